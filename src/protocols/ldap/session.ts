/**
 * One LDAP connection: frames LDAPMessages off the socket (bounded), decodes them, runs operations
 * one after another in arrival order (Abandon and Unbind act at once), and answers. A malformed
 * message gets protocolError when its operation is known, otherwise the Notice of Disconnection
 * (RFC 4511 section 4.4.1) and the connection is closed. No input makes it throw.
 */
import type net from 'node:net';
import { TLSSocket } from 'node:tls';
import { ANONYMOUS, bind } from './bind.js';
import type { Identity, LdapContext } from './context.js';
import { START_TLS, WHO_AM_I } from './entries.js';
import { BerError, elementLength } from './proto/ber.js';
import { LdapDecodeError, PAGED_RESULTS_OID, decodeMessage, type LdapMessage } from './proto/messages.js';
import { encodeSearchResponse } from './encoded.js';
import { APP, RESULT, extendedResponse, message, noticeOfDisconnection, resultOp } from './proto/responses.js';
import { search, type AbortFlag } from './search.js';


export class LdapSession {
  private buf: Buffer = Buffer.alloc(0);
  private identity: Identity = ANONYMOUS;
  private queue: Promise<void> = Promise.resolve();
  private pending = 0;
  private readonly running = new Map<number, AbortFlag>();
  private closed = false;
  private bindFailures = 0;
  private socket!: net.Socket;
  /** Whether the connection is under TLS (implicit, or after StartTLS). */
  private tls: boolean;

  constructor(
    socket: net.Socket,
    private readonly ctx: LdapContext,
    private readonly sessions: Set<LdapSession>,
  ) {
    sessions.add(this);
    this.tls = socket instanceof TLSSocket;
    socket.setNoDelay(true);
    this.attach(socket);
  }

  private attach(socket: net.Socket): void {
    this.socket = socket;
    socket.setTimeout(this.ctx.limits.idleTimeoutMs, () => this.disconnect(RESULT.unavailable, 'idle for too long'));
    socket.on('data', (chunk: Buffer) => this.onData(chunk));
    socket.on('error', (err) => this.ctx.logger.debug({ err }, 'ldap: connection error'));
    socket.on('close', () => {
      this.closed = true;
      this.sessions.delete(this);
      for (const f of this.running.values()) f.aborted = true;
    });
  }

  /**
   * StartTLS (RFC 4511 section 4.14): refused under TLS already, without a certificate, or while
   * other operations are outstanding (section 4.14.1); otherwise the success response goes out in
   * the clear and the TLS handshake follows on the same connection.
   */
  private startTls(id: number): void {
    const refuse = (message: string) => this.reply(id, extendedResponse({ code: RESULT.operationsError, message }, START_TLS));
    if (this.tls) return refuse('TLS is already established');
    if (!this.ctx.secureContext) return refuse('no certificate is configured for this listener');
    if (this.pending > 1 || this.buf.length) return refuse('other operations are outstanding');
    this.reply(id, extendedResponse({ code: RESULT.success }, START_TLS));
    const plain = this.socket;
    for (const ev of ['data', 'timeout', 'close', 'error']) plain.removeAllListeners(ev);
    plain.setTimeout(0);
    plain.on('error', () => undefined); // the TLS socket reports errors from here on
    const secure = new TLSSocket(plain, { isServer: true, secureContext: this.ctx.secureContext });
    this.tls = true;
    this.attach(secure);
  }

  private onData(chunk: Buffer): void {
    if (this.closed) return;
    this.buf = this.buf.length ? Buffer.concat([this.buf, chunk]) : chunk;
    while (!this.closed) {
      if (this.buf.length && this.buf[0] !== 0x30) {
        this.disconnect(RESULT.protocolError, 'an LDAPMessage starts with a SEQUENCE');
        return;
      }
      let len: number | null;
      try {
        len = elementLength(this.buf);
      } catch (err) {
        this.disconnect(RESULT.protocolError, (err as Error).message);
        return;
      }
      if (len !== null && len > this.ctx.limits.maxMessageBytes) {
        this.disconnect(RESULT.protocolError, `message of ${len} bytes is larger than ${this.ctx.limits.maxMessageBytes}`);
        return;
      }
      if (len === null || this.buf.length < len) return;
      const frame = this.buf.subarray(0, len);
      this.buf = this.buf.subarray(len);
      this.onFrame(frame);
    }
  }

  private onFrame(frame: Buffer): void {
    let msg: LdapMessage;
    try {
      msg = decodeMessage(frame, {
        maxDepth: this.ctx.limits.maxFilterDepth,
        maxNodes: this.ctx.limits.maxFilterNodes,
        maxAttributes: this.ctx.limits.maxRequestedAttributes,
      });
    } catch (err) {
      if (err instanceof LdapDecodeError && err.messageId !== null && err.responseTag !== null) {
        const { messageId, responseTag } = err;
        this.enqueue(messageId, async () => this.reply(messageId, resultOp(responseTag, { code: RESULT.protocolError, message: err.message })));
        return;
      }
      this.disconnect(RESULT.protocolError, err instanceof BerError ? err.message : 'malformed message');
      return;
    }
    const { request: req, messageId: id } = msg;
    if (req.op === 'abandon') {
      const f = this.running.get(req.messageId);
      if (f) f.aborted = true;
      return;
    }
    if (req.op === 'unbind') {
      this.closed = true;
      this.socket.end();
      return;
    }
    const understood = req.op === 'search' ? [PAGED_RESULTS_OID] : [];
    const critical = msg.controls.find((c) => c.critical && !understood.includes(c.oid));
    if (critical) {
      const tag = req.op === 'bind' ? APP.bindResponse : req.op === 'search' ? APP.searchResultDone : req.op === 'extended' ? APP.extendedResponse : req.responseTag;
      this.enqueue(id, async () => this.reply(id, resultOp(tag, { code: RESULT.unavailableCriticalExtension, message: `control ${critical.oid} is not supported` })));
      return;
    }
    this.enqueue(id, (flag) => this.run(msg, flag));
  }

  private enqueue(id: number, task: (flag: AbortFlag) => Promise<void>): void {
    const flag: AbortFlag = { aborted: false };
    this.running.set(id, flag);
    if (++this.pending >= this.ctx.limits.maxPendingOps) this.socket.pause();
    this.queue = this.queue
      .then(() => (flag.aborted || this.closed ? undefined : task(flag)))
      .catch((err: unknown) => {
        this.ctx.logger.error({ err }, 'ldap: operation failed');
        this.disconnect(RESULT.other, 'internal error');
      })
      .finally(() => {
        if (this.running.get(id) === flag) this.running.delete(id);
        if (--this.pending < this.ctx.limits.maxPendingOps && !this.closed) this.socket.resume();
      });
  }

  private async run(msg: LdapMessage, flag: AbortFlag): Promise<void> {
    const id = msg.messageId;
    const req = msg.request;
    switch (req.op) {
      case 'bind': {
        const out = await bind(this.ctx, req);
        this.identity = out.identity;
        this.reply(id, resultOp(APP.bindResponse, out.result));
        if (out.result.code === RESULT.invalidCredentials && ++this.bindFailures >= this.ctx.limits.maxBindFailures) {
          this.disconnect(RESULT.unwillingToPerform, 'too many failed binds');
        }
        return;
      }
      case 'search': {
        const out = await search(this.ctx, this.identity, req, msg.controls, flag);
        if (flag.aborted) return; // an abandoned operation gets no response (RFC 4511 section 4.11)
        this.write(encodeSearchResponse(id, out.entries, out.selection, out.result, out.controls, out.extras));
        return;
      }
      case 'extended': {
        if (req.oid === WHO_AM_I) {
          this.reply(id, extendedResponse({ code: RESULT.success }, undefined, this.identity.address ? `u:${this.identity.address}` : ''));
          return;
        }
        if (req.oid === START_TLS) {
          this.startTls(id);
          return;
        }
        this.reply(id, extendedResponse({ code: RESULT.protocolError, message: `extended operation ${req.oid} is not supported` }));
        return;
      }
      case 'update':
        this.reply(id, resultOp(req.responseTag, { code: RESULT.unwillingToPerform, message: `the directory is read-only over LDAP (${req.name} refused)` }));
        return;
      default:
        return;
    }
  }

  private reply(id: number, op: Buffer): void {
    this.write(message(id, op));
  }

  private write(buf: Buffer): void {
    if (!this.closed && !this.socket.destroyed) this.socket.write(buf);
  }

  /** Sends the Notice of Disconnection and closes (RFC 4511 section 4.4.1). */
  disconnect(code: number, text: string): void {
    if (this.closed) return;
    this.write(noticeOfDisconnection(code, text));
    this.closed = true;
    for (const f of this.running.values()) f.aborted = true;
    this.socket.end();
    setTimeout(() => this.socket.destroy(), 2000).unref();
  }
}
