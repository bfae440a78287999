/**
 * Outbound SMTP client (nodemailer's SMTPConnection): one session per request, STARTTLS whenever
 * the peer offers it (opportunistic, certificate not required: RFC 7435), per-recipient outcomes.
 */
import SMTPConnection from 'nodemailer/lib/smtp-connection';
import type { OutboundRequest, OutboundResult, OutboundSmtp, RecipientOutcome } from '../types.js';

interface SmtpErr extends Error {
  responseCode?: number;
  response?: string;
  code?: string;
  recipient?: string;
}

const describe = (e: SmtpErr) => (e.response ? e.response : `${e.code ?? 'error'}: ${e.message}`);
const statusOf = (e: SmtpErr): 'defer' | 'fail' => (e.responseCode !== undefined && e.responseCode >= 500 ? 'fail' : 'defer');

export class NodemailerOutbound implements OutboundSmtp {
  constructor(private readonly opts: { connectTimeoutMs?: number; socketTimeoutMs?: number } = {}) {}

  send(req: OutboundRequest): Promise<OutboundResult> {
    return new Promise((resolve) => {
      const conn = new SMTPConnection({
        host: req.route.host,
        port: req.route.port,
        name: req.heloName,
        opportunisticTLS: true,
        tls: { rejectUnauthorized: false },
        connectionTimeout: this.opts.connectTimeoutMs ?? 30_000,
        greetingTimeout: this.opts.connectTimeoutMs ?? 30_000,
        socketTimeout: this.opts.socketTimeoutMs ?? 300_000,
      });
      let done = false;
      const finish = (outcomes: RecipientOutcome[]) => {
        if (done) return;
        done = true;
        const tls = conn.secure === true;
        try {
          conn.quit();
        } catch {
          conn.close();
        }
        resolve({ remoteHost: `${req.route.host}:${req.route.port}`, tls, outcomes });
      };
      const all = (e: SmtpErr) => finish(req.recipients.map((address) => ({ address, status: statusOf(e), response: describe(e) })));
      conn.on('error', (e: SmtpErr) => all(e));
      conn.connect((err?: SmtpErr) => {
        if (err) return all(err);
        conn.send({ from: req.from, to: req.recipients }, req.message(), (e: SmtpErr | null, info) => {
          if (e) {
            // Every recipient refused or the message itself refused: one reply for all.
            const rejected = (e as { rejectedErrors?: SmtpErr[] }).rejectedErrors;
            if (rejected?.length && (e as { code?: string }).code === 'EENVELOPE') {
              return finish(req.recipients.map((address) => {
                const r = rejected.find((x) => x.recipient === address);
                return r ? { address, status: statusOf(r), response: describe(r) } : { address, status: statusOf(e), response: describe(e) };
              }));
            }
            return all(e);
          }
          const refused = new Map((info?.rejectedErrors ?? []).map((r: SmtpErr) => [r.recipient ?? '', r]));
          finish(req.recipients.map((address) => {
            const r = refused.get(address);
            return r ? { address, status: statusOf(r), response: describe(r) } : { address, status: 'sent', response: info?.response ?? '250' };
          }));
        });
      });
    });
  }
}
