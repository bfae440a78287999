/**
 * The mail transport rules every SMTP door calls: sign-in with failure limits, who may send as
 * whom, recipient classification and relay policy, policy hooks, and acceptance: the message is
 * delivered to local mailboxes and/or stored in the outbound queue, durably, before the caller
 * may say 250.
 */
import { Readable } from 'node:stream';
import type { Account } from '../accounts/account-service.js';
import { parseAddress } from '../addresses.js';
import { WardpostError } from '../errors.js';
import type { Services } from '../services.js';
import type { MailDns, OutboundSmtp } from '../../gateways/types.js';
import type { Store } from '../../store/types.js';
import { dmarcPolicyHook, mailauthHook } from './auth-hooks.js';
import { DkimKeys } from './dkim-keys.js';
import { buildDsn } from './dsn.js';
import { DistributionLists } from './distribution-lists.js';
import { addressesIn, parseHeaderBlock, receivedHeader } from './headers.js';
import { MessageCheck } from './message-check.js';
import { OutboundQueue, type TransportLog } from './outbound-queue.js';
import { runHooks, type PolicyHook } from './policy.js';
import { RateLimiter } from './rate-limit.js';
import { RecipientResolver, uniqueRecipients } from './recipients.js';
import { Spool } from './spool.js';
import type { Accepted, MailTransaction, Recipient, SessionInfo, TransportLimits } from './types.js';

export interface TransportDeps {
  store: Store;
  services: Services;
  dns: MailDns;
  smtp: OutboundSmtp;
  hostname: string;
  spoolDir: string;
  limits: TransportLimits;
  log?: TransportLog;
  /** Replaces the default policy hooks (mailauth, DMARC policy) when given. */
  hooks?: PolicyHook[];
  /** Run after the default (or given) hooks: other contexts' transport hooks, e.g. email-to-SMS. */
  extraHooks?: PolicyHook[];
}

/** A header a submitting client adds to ask for a copy in its Sent folder. */
export const COPY_TO_SENT_HEADER = 'x-wardpost-copy-to-sent';

export class TransportService {
  readonly queue: OutboundQueue;
  readonly dkim: DkimKeys;
  readonly recipients: RecipientResolver;
  readonly lists: DistributionLists;
  private readonly hooks: PolicyHook[];
  private readonly authFailures: RateLimiter;
  private readonly perAccount: RateLimiter;
  private readonly perIp: RateLimiter;
  private log: TransportLog;
  /** RCPT-time classifications, reused at DATA (by session id, then address). */
  private readonly classified = new Map<string, Map<string, Recipient[]>>();

  constructor(private readonly deps: TransportDeps) {
    const { store, services, limits, hostname } = deps;
    this.log = deps.log ?? (() => undefined);
    this.dkim = new DkimKeys(store);
    this.recipients = new RecipientResolver(store, services.nationalDomain, limits.maxListMembers);
    this.lists = new DistributionLists(store, this.recipients);
    this.queue = new OutboundQueue({
      store,
      delivery: services.delivery,
      dkim: this.dkim,
      dns: deps.dns,
      smtp: deps.smtp,
      hostname,
      postmaster: `mailer-daemon@${services.nationalDomain}`,
      limits,
      log: (level, detail, msg) => this.log(level, detail, msg),
    });
    this.hooks = [...(deps.hooks ?? [mailauthHook({ hostname, lookup: deps.dns.lookup }), dmarcPolicyHook()]), ...(deps.extraHooks ?? [])];
    this.authFailures = new RateLimiter(limits.authFailuresPerIp);
    this.perAccount = new RateLimiter(limits.messagesPerAccount);
    this.perIp = new RateLimiter(limits.messagesPerIp);
    // Messages made by server-side rules (vacation replies, redirects, rejections) leave through here.
    services.rules.useOutbox(
      (m) => this.sendGenerated(m),
      (err, msg) => this.log('warn', { err }, msg),
    );
  }

  /**
   * Sends a message the server itself made (RFC 5230 vacation reply, RFC 5228 redirect, RFC 5429
   * rejection): local recipients get it by delivery (their own rules apply), others by the queue.
   */
  async sendGenerated(m: { from: string; to: string[]; raw: Buffer }): Promise<void> {
    const all: Recipient[] = [];
    for (const r of m.to) all.push(...(await this.recipients.classify(r).catch(() => [] as Recipient[])));
    const recipients = uniqueRecipients(all);
    const local = recipients.filter((r) => r.kind === 'local').map((r) => r.address);
    const foreign = recipients.filter((r): r is Extract<Recipient, { kind: 'foreign' }> => r.kind === 'foreign');
    if (local.length) await this.deps.services.delivery.deliver({ source: Readable.from([m.raw]), recipients: local, rules: { envelopeFrom: m.from } });
    if (foreign.length) {
      await this.queue.enqueue({ source: () => Readable.from([m.raw]), sender: m.from, senderAccountId: null, recipients: foreign.map((f) => ({ address: f.address, domain: f.domain })), dkimDomain: null });
    }
  }

  /** Where transport events are logged (the composition root passes its logger). */
  useLogger(log: TransportLog): void {
    this.log = log;
  }

  get limits(): TransportLimits {
    return this.deps.limits;
  }

  /** SMTP AUTH (RFC 4954): a wrong password counts against the client's address; too many and it must wait. */
  async authenticate(remoteAddress: string, username: string, password: string): Promise<Account> {
    if (this.authFailures.exceeded(remoteAddress)) {
      throw new WardpostError('rate_limited', `too many failed sign-ins from ${remoteAddress}; try again in ${this.authFailures.retryAfter(remoteAddress)} seconds`, { auth: true });
    }
    try {
      return await this.deps.services.accounts.authenticate(username, password);
    } catch (err) {
      if (err instanceof WardpostError && err.code === 'unauthenticated') this.authFailures.hit(remoteAddress);
      throw err;
    }
  }

  /** MAIL FROM: rate limits, and for submission, may this account use this envelope sender? */
  async checkSender(session: SessionInfo, address: string): Promise<void> {
    const ipKey = `${session.kind}:${session.remoteAddress}`;
    if (this.perIp.exceeded(ipKey)) {
      throw new WardpostError('rate_limited', `too many messages from ${session.remoteAddress}; try again in ${this.perIp.retryAfter(ipKey)} seconds`);
    }
    if (session.kind !== 'submission') return;
    const account = requireAccount(session);
    if (this.perAccount.exceeded(String(account.id))) {
      throw new WardpostError('rate_limited', `${account.address} has sent too many messages; try again in ${this.perAccount.retryAfter(String(account.id))} seconds`);
    }
    if (!address) throw new WardpostError('forbidden', 'a signed-in user cannot send with a null sender <>', { sender: true });
    if (!(await this.deps.services.sharing.senderPermission(account.id, address))) {
      throw new WardpostError('forbidden', `${account.address} may not send as ${address}: ask its owner for a send-as or send-on-behalf grant`, { sender: true });
    }
  }

  /**
   * RCPT TO: unknown local addresses are refused (550 5.1.1), a full mailbox too (452 4.2.2, with
   * the size the client declared in MAIL FROM SIZE=, RFC 1870), foreign ones only relayed for
   * signed-in users.
   */
  async checkRecipient(session: SessionInfo, address: string, already: number, declaredSize = 0): Promise<void> {
    if (already >= this.deps.limits.maxRecipients) {
      throw new WardpostError('rate_limited', `too many recipients: at most ${this.deps.limits.maxRecipients} per message`, { recipients: true });
    }
    const recs = await this.recipients.classify(address);
    let bySession = this.classified.get(session.id);
    if (!bySession) this.classified.set(session.id, (bySession = new Map()));
    bySession.set(address, recs);
    const direct = recs.length === 1 && recs[0]!.kind === 'foreign' && recs[0]!.address === parseAddress(address).address;
    if (direct && session.kind !== 'submission') {
      throw new WardpostError('relay_denied', `relaying to ${address} is not allowed: this server only accepts mail for its own domains`);
    }
    // A list is not refused for one full member; that member is left out at delivery.
    const only = recs.length === 1 ? recs[0]! : null;
    if (only?.kind === 'local' && only.address === parseAddress(address).address) {
      await this.deps.services.delivery.checkRoom(only.address, declaredSize, only.account);
    }
  }

  /** Forgets what a finished session left behind (RCPT classifications of a transaction never sent). */
  endSession(sessionId: string): void {
    this.classified.delete(sessionId);
  }

  /**
   * DATA: reads the message (checking it as it streams), runs the policy hooks, then delivers
   * local copies and queues foreign recipients. Resolves only once all of that is durable.
   */
  async receive(session: SessionInfo, envelope: { mailFrom: string; rcptTo: string[] }, stream: Readable, opts: { copyToSent?: boolean } = {}): Promise<Accepted> {
    const { limits } = this.deps;
    const spool = new Spool(this.deps.spoolDir, limits.spoolMemoryBytes);
    try {
      const check = new MessageCheck(limits);
      for await (const chunk of stream as AsyncIterable<Buffer>) {
        // After a problem, keep reading to the end of DATA so the reply comes at the right time.
        if (check.feed(chunk)) await spool.write(chunk);
      }
      await spool.end();
      if (check.problem) throw check.problem;

      const tx: MailTransaction = {
        session,
        mailFrom: envelope.mailFrom,
        rcptTo: envelope.rcptTo,
        recipients: [],
        prependHeaders: [],
        folder: 'INBOX',
        results: {},
        size: spool.size,
        header: parseHeaderBlock(spool.head(limits.maxHeaderBytes)),
      };
      const all: Recipient[] = [];
      const known = this.classified.get(session.id);
      this.classified.delete(session.id);
      for (const r of envelope.rcptTo) all.push(...(known?.get(r) ?? (await this.recipients.classify(r))));
      tx.recipients = uniqueRecipients(all);

      const received = receivedHeader({
        helo: session.helo,
        clientHostname: session.clientHostname,
        remoteAddress: session.remoteAddress,
        by: this.deps.hostname,
        with: `${session.kind === 'submission' ? 'ESMTPSA' : session.secure ? 'ESMTPS' : 'ESMTP'}`,
        id: session.id,
        ...(envelope.rcptTo.length === 1 ? { for: envelope.rcptTo[0]! } : {}),
      });
      let dkimDomain: string | null = null;
      if (session.kind === 'submission') dkimDomain = await this.checkHeaderSender(session, tx);
      await runHooks(
        this.hooks.filter((h) => session.kind === 'mx' || h.name !== 'mailauth'),
        'data',
        tx,
        { message: () => spool.reader() },
        limits.hookTimeoutMs,
      );
      const prefix = Buffer.from(`${[received, ...tx.prependHeaders].join('\r\n')}\r\n`);
      const source = () => spool.reader(prefix);

      const local = tx.recipients.filter((r) => r.kind === 'local').map((r) => r.address);
      const foreign = tx.recipients.filter((r): r is Extract<Recipient, { kind: 'foreign' }> => r.kind === 'foreign');
      const account = session.account;
      const copyToSent = !!account && (opts.copyToSent ?? /^(yes|true|1)$/i.test(tx.header.get(COPY_TO_SENT_HEADER) ?? ''));
      const work: Promise<unknown>[] = [];
      // A mailbox that cannot take the message refuses alone: the others get it, the sender a DSN.
      if (local.length) {
        work.push(
          this.deps.services.delivery.deliver({ source: source(), recipients: local, folder: tx.folder, rules: { envelopeFrom: envelope.mailFrom }, overQuota: 'skip' }).then((r) => {
            // The others have it now: a failed notification must not turn the 250 into an error.
            if (!r.refused.length) return;
            return this.notifyRefused(envelope.mailFrom, tx.header, spool.head(limits.maxHeaderBytes), r.refused).catch((err: unknown) => {
              this.log('warn', { err: String(err), sender: envelope.mailFrom }, 'could not send a delivery status notification');
            });
          }),
        );
      }
      if (foreign.length) {
        work.push(
          this.queue.enqueue({
            source,
            sender: envelope.mailFrom,
            senderAccountId: account?.id ?? null,
            recipients: foreign.map((f) => ({ address: f.address, domain: f.domain })),
            dkimDomain,
          }),
        );
      }
      if (copyToSent) work.push(this.deps.services.delivery.deliver({ source: source(), recipients: [account.address], folder: 'Sent', flags: ['\\Seen'] }));
      const results = await Promise.allSettled(work);
      const failed = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
      if (failed) throw failed.reason;

      this.perIp.hit(`${session.kind}:${session.remoteAddress}`);
      if (account) this.perAccount.hit(String(account.id));
      this.log('info', { id: session.id, from: envelope.mailFrom, local: local.length, queued: foreign.length, size: spool.size, results: tx.results }, 'message accepted');
      return { id: session.id, delivered: local.length, queued: foreign.length };
    } finally {
      await spool.dispose();
    }
  }

  /**
   * After the 250: a delivery status notification (RFC 3464) to the envelope sender for local
   * recipients whose mailbox could not take the message; none for the null sender (RFC 5321
   * section 4.5.5). A local sender gets it in the INBOX, a foreign one through the outbound queue.
   */
  private async notifyRefused(sender: string, header: Map<string, string>, head: Buffer, refused: { recipient: string; error: Error }[]): Promise<void> {
    if (!sender) return;
    const headText = head.toString('utf8');
    const end = headText.search(/\r?\n\r?\n/);
    const now = new Date();
    const dsn = buildDsn({
      reportingMta: this.deps.hostname,
      postmaster: `mailer-daemon@${this.deps.services.nationalDomain}`,
      to: sender,
      arrival: now,
      recipients: refused.map((r) => ({ address: r.recipient, action: 'failed', status: '5.2.2', diagnostic: r.error.message, remoteMta: null, lastAttempt: now })),
      originalHeaders: end === -1 ? headText : headText.slice(0, end),
      originalSubject: header.get('subject') ?? '',
      expired: false,
    });
    const [rec] = await this.recipients.classify(sender).catch(() => [] as Recipient[]);
    if (rec?.kind === 'local') await this.deps.services.delivery.deliver({ source: Readable.from([dsn]), recipients: [rec.address] });
    else if (rec?.kind === 'foreign') await this.queue.enqueue({ source: () => Readable.from([dsn]), sender: '', senderAccountId: null, recipients: [{ address: rec.address, domain: rec.domain }], dkimDomain: null });
  }

  /**
   * RFC 5322 section 3.6.2: every From address must be one the account may send as. With a
   * send-on-behalf grant the Sender field must name the account (it is added when missing).
   * Returns the domain that signs the message (the From domain, when it is ours).
   */
  private async checkHeaderSender(session: SessionInfo, tx: MailTransaction): Promise<string | null> {
    const account = requireAccount(session);
    const from = addressesIn(tx.header.get('from'));
    if (!from.length) throw new WardpostError('invalid_message', 'the message has no From address (RFC 5322 section 3.6.2)');
    let onBehalf = false;
    for (const a of from) {
      const permission = await this.deps.services.sharing.senderPermission(account.id, a);
      if (!permission) throw new WardpostError('forbidden', `${account.address} may not send as ${a}: ask its owner for a send-as or send-on-behalf grant`, { sender: true });
      if (permission.via === 'send-on-behalf') onBehalf = true;
    }
    if (onBehalf) {
      const sender = addressesIn(tx.header.get('sender'))[0];
      if (!sender) tx.prependHeaders.push(`Sender: "${account.displayName.replace(/[\r\n"\\]/g, '')}" <${account.address}>`);
      else if ((await this.deps.services.sharing.senderPermission(account.id, sender))?.via !== 'own') {
        throw new WardpostError('forbidden', `the Sender field must be your own address (${account.address}) when sending on behalf of someone else`, { sender: true });
      }
    }
    const domain = parseAddress(from[0]!).domain;
    return (await this.recipients.isLocalDomain(domain)) ? domain : null;
  }
}

function requireAccount(session: SessionInfo): Account {
  if (!session.account) throw new WardpostError('unauthenticated', 'sign in first (AUTH)');
  return session.account;
}
