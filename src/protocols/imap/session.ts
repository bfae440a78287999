// One IMAP connection (RFC 9051 section 3): the state machine, framing of input, one command at a
// time in arrival order, untagged updates from other sessions, STARTTLS, timeouts, and
// backpressure: when the socket's write buffer is full the session stops reading until it drains.
import { randomUUID } from 'node:crypto';
import type { Socket } from 'node:net';
import { TLSSocket, type SecureContext } from 'node:tls';
import zlib from 'node:zlib';
import type { Logger } from 'pino';
import type { Account } from '../../core/accounts/account-service.js';
import type { DomainEvent } from '../../core/events/bus.js';
import type { Services } from '../../core/services.js';
import { dispatch } from './dispatcher.js';
import type { MailboxHub, MailboxListener } from './hub.js';
import { SERVER_LIMITS, type ServerLimits } from './limits.js';
import { CommandFramer, formatErrorResponse, formatRanges, rangesFromNumbers, wire, type FrameEvent, type FramedCommand, type NumberRange } from './proto/index.js';
import type { SelectedMailbox } from './selected.js';

/** Coalesced output is sent once this much is waiting. */
const OUT_CHUNK = 64 * 1024;

export type SessionState = 'not-authenticated' | 'authenticated' | 'selected' | 'logout';

export interface ImapServerContext {
  services: Services;
  hub: MailboxHub;
  logger: Logger;
  hostname: string;
  secureContext: SecureContext;
  /** Open sessions, for shutdown. */
  sessions: Set<ImapSession>;
  limits: ServerLimits;
}

export class ImapSession implements MailboxListener {
  readonly id = randomUUID();
  state: SessionState = 'not-authenticated';
  account: Account | null = null;
  selected: SelectedMailbox | null = null;
  /** ENABLEd extensions (RFC 5161): CONDSTORE, QRESYNC, UTF8=ACCEPT, IMAP4rev2. */
  readonly enabled = new Set<string>();
  /** CONDSTORE was used in this session, so FETCH replies carry MODSEQ (RFC 7162 section 3.1). */
  condstore = false;
  /** The saved search result (RFC 5182), as UIDs. */
  saved: NumberRange[] = [];
  authFailures = 0;
  badInARow = 0;
  private framer = new CommandFramer();
  private queue: Promise<void> = Promise.resolve();
  private queued = 0;
  private intercept: ((f: FramedCommand) => void) | null = null;
  private updating: Promise<void> = Promise.resolve();
  idling = false;
  private pausedForWrite = false;
  private out: Buffer[] = [];
  private outBytes = 0;
  private closed = false;

  constructor(
    private socket: Socket,
    readonly ctx: ImapServerContext,
    public tls: boolean,
  ) {
    ctx.sessions.add(this);
    this.attach(socket);
    this.write(wire.status('*', 'OK', `${ctx.hostname} Wardpost IMAP ready`, Buffer.from(`[CAPABILITY ${this.capabilities().join(' ')}]`)));
    this.flush();
  }

  get services(): Services {
    return this.ctx.services;
  }

  get remoteAddress(): string | null {
    return this.socket.remoteAddress ?? null;
  }

  /**
   * The client ENABLEd IMAP4rev2 (RFC 9051 section 6.3.1): no \Recent or RECENT, ESEARCH instead of
   * SEARCH, a LIST response in SELECT, UTF-8 mailbox names (RFC 9051 Appendix E).
   */
  get rev2(): boolean {
    return this.enabled.has('IMAP4rev2');
  }

  /** IMAP4rev2 or UTF8=ACCEPT: mailbox names and strings in UTF-8. */
  get utf8(): boolean {
    return this.enabled.has('UTF8=ACCEPT') || this.rev2;
  }

  /** A message's flags as sent: with \Recent added for an IMAP4rev1 session that was told it is recent. */
  flagAtoms(uid: number, flags: readonly string[]): wire.ImapOut[] {
    const out = flags.map((f) => wire.atom(f));
    if (!this.rev2 && this.selected?.recent.has(uid)) out.push(wire.atom('\\Recent'));
    return out;
  }

  capabilities(): string[] {
    const caps = ['IMAP4rev1', 'IMAP4rev2', 'LITERAL+', 'SASL-IR', 'ID', 'ENABLE', 'IDLE', 'NAMESPACE', 'UNSELECT', 'CHILDREN'];
    if (!this.tls) caps.push('STARTTLS', 'LOGINDISABLED');
    else if (this.state === 'not-authenticated') caps.push('AUTH=PLAIN');
    if (this.state !== 'not-authenticated') {
      caps.push('UIDPLUS', 'MOVE', 'SPECIAL-USE', 'CREATE-SPECIAL-USE', 'LIST-EXTENDED', 'LIST-STATUS', 'CONDSTORE', 'QRESYNC', 'ESEARCH', 'SEARCHRES', 'MULTIAPPEND', 'SORT', 'SORT=DISPLAY', 'THREAD=ORDEREDSUBJECT', 'THREAD=REFERENCES',
        'QUOTA', 'QUOTA=RES-STORAGE', 'ACL', 'RIGHTS=kxte', `APPENDLIMIT=${SERVER_LIMITS.appendLimit}`, 'UTF8=ACCEPT', 'BINARY', 'COMPRESS=DEFLATE', 'STATUS=SIZE', 'UNAUTHENTICATE');
    }
    return caps;
  }

  private attach(socket: Socket): void {
    this.socket = socket;
    socket.setNoDelay(true);
    socket.setTimeout(this.ctx.limits.preAuthTimeoutMs);
    socket.on('data', (chunk: Buffer) => (this.inflate ? this.inflate.write(chunk) : this.onData(chunk)));
    socket.on('drain', () => this.maybeResume());
    socket.on('timeout', () => {
      this.write(wire.status('*', 'BYE', 'Autologout; idle for too long'));
      this.close();
    });
    socket.on('error', () => this.close());
    socket.on('close', () => this.teardown());
  }

  // ---- input ----

  private onData(chunk: Buffer): void {
    if (this.closed) return;
    for (const ev of this.framer.push(chunk)) this.onFrame(ev);
    if (this.framer.closed) this.close();
  }

  private onFrame(ev: FrameEvent): void {
    if (ev.type === 'command' && this.intercept) {
      const fn = this.intercept;
      this.intercept = null;
      fn(ev.command);
      return;
    }
    this.queued++;
    if (this.queued > this.ctx.limits.maxQueuedCommands) this.socket.pause();
    this.queue = this.queue.then(async () => {
      try {
        await this.handleFrame(ev);
        this.flush();
      } catch (err) {
        this.ctx.logger.error({ err }, 'imap: unexpected error');
        this.close();
      } finally {
        this.queued--;
        this.maybeResume();
      }
    });
  }

  private async handleFrame(ev: FrameEvent): Promise<void> {
    if (this.closed) return;
    if (ev.type === 'continue') {
      this.write(wire.continuation('Ready for literal data'));
      return;
    }
    if (ev.type === 'error') {
      this.write(Buffer.from(formatErrorResponse(ev.error)));
      if (ev.error.fatal) {
        this.write(wire.status('*', 'BYE', 'Closing the connection'));
        this.close();
      } else this.countBad();
      return;
    }
    await dispatch(this, ev.command);
  }

  countBad(): void {
    if (++this.badInARow >= this.ctx.limits.maxBadInARow) {
      this.write(wire.status('*', 'BYE', 'Too many bad commands'));
      this.close();
    }
  }

  /** The next line the client sends goes to `fn` instead of the command queue (SASL, IDLE DONE). */
  readLine(): Promise<FramedCommand> {
    this.flush();
    return new Promise((resolve) => {
      this.intercept = resolve;
    });
  }

  // ---- output ----

  /**
   * Queues bytes for the client. Small responses are coalesced and go out together (one TLS
   * record, one syscall) at `flush()` or once 64 KiB are waiting; reading from the client stops
   * while the socket's write buffer is full.
   */
  write(buf: Buffer): void {
    if (this.closed) return;
    this.out.push(buf);
    this.outBytes += buf.length;
    if (this.outBytes >= OUT_CHUNK) this.flush();
  }

  /** Sends what write() queued. */
  flush(): void {
    if (this.closed || !this.out.length) return;
    const data = this.out.length === 1 ? this.out[0]! : Buffer.concat(this.out, this.outBytes);
    this.out = [];
    this.outBytes = 0;
    if (this.deflate) {
      this.deflate.write(data);
      this.deflate.flush(zlib.constants.Z_SYNC_FLUSH);
      return;
    }
    this.sendRaw(data);
  }

  private sendRaw(data: Buffer): void {
    const ok = this.socket.write(data);
    if (!ok && !this.pausedForWrite) {
      this.pausedForWrite = true;
      this.socket.pause();
    }
  }

  private deflate: zlib.DeflateRaw | null = null;
  private inflate: zlib.InflateRaw | null = null;

  /** RFC 4978: from now on both directions are raw DEFLATE streams (after the tagged OK went out plain). */
  startCompression(): void {
    this.deflate = zlib.createDeflateRaw({ level: 6 });
    this.deflate.on('data', (c: Buffer) => this.sendRaw(c));
    this.inflate = zlib.createInflateRaw();
    this.inflate.on('data', (c: Buffer) => this.onData(c));
    const fail = () => this.close();
    this.deflate.on('error', fail);
    this.inflate.on('error', fail);
  }

  get compressed(): boolean {
    return this.deflate !== null;
  }

  /** Writes and waits until the socket can take more (for streaming large bodies). */
  async writeAndDrain(buf: Buffer): Promise<void> {
    this.write(buf);
    if (this.closed || this.outBytes > 0 || !this.socket.writableNeedDrain) return;
    await new Promise<void>((resolve) => {
      const done = () => {
        this.socket.off('drain', done);
        this.socket.off('close', done);
        resolve();
      };
      this.socket.on('drain', done);
      this.socket.on('close', done);
    });
  }

  private maybeResume(): void {
    if (this.closed) return;
    if (this.pausedForWrite && !this.socket.writableNeedDrain) this.pausedForWrite = false;
    if (!this.pausedForWrite && this.queued <= this.ctx.limits.maxQueuedCommands && !this.upgrading) this.socket.resume();
  }

  // ---- state changes ----

  signedIn(account: Account): void {
    this.account = account;
    this.state = 'authenticated';
    this.socket.setTimeout(this.ctx.limits.idleTimeoutMs);
  }

  /** RFC 8437: back to not authenticated, as if just connected (TLS and compression stay). */
  signedOut(): void {
    this.select(null);
    this.account = null;
    this.state = 'not-authenticated';
    this.enabled.clear();
    this.condstore = false;
    this.socket.setTimeout(this.ctx.limits.preAuthTimeoutMs);
  }

  select(sel: SelectedMailbox | null): void {
    if (this.selected) this.ctx.hub.unwatch(this.selected.id, this);
    this.selected = sel;
    this.saved = [];
    if (sel) {
      this.ctx.hub.watch(sel.id, this);
      this.state = 'selected';
    } else if (this.state === 'selected') this.state = 'authenticated';
  }

  private upgrading = false;

  /** RFC 9051 6.2.1: after the tagged OK, TLS starts; anything pipelined in plaintext is discarded. */
  startTls(): void {
    this.upgrading = true;
    const plain = this.socket;
    plain.removeAllListeners('data');
    plain.removeAllListeners('drain');
    plain.removeAllListeners('timeout');
    plain.removeAllListeners('close');
    plain.removeAllListeners('error');
    plain.pause();
    this.framer = new CommandFramer();
    const secure = new TLSSocket(plain, { isServer: true, secureContext: this.ctx.secureContext });
    this.tls = true;
    secure.once('secure', () => {
      this.upgrading = false;
    });
    this.attach(secure);
  }

  // ---- updates from other sessions ----

  onMailboxEvent(e: DomainEvent): void {
    const sel = this.selected;
    if (!sel || !('mailboxId' in e) || e.mailboxId !== sel.id) return;
    if (e.type === 'mail.delivered') sel.pendingNew = true;
    else if (e.type === 'mail.flags') {
      if (e.origin === this.id) return;
      for (const c of e.changes) sel.pendingFlags.set(c.uid, { flags: c.flags, modseq: c.modseq });
    } else if (e.type === 'mail.expunged') {
      if (e.origin === this.id) return;
      for (const u of e.uids) sel.pendingExpunge.add(u);
    } else return;
    if (this.idling) void this.sendUpdates(true);
  }

  /**
   * Sends what changed in the selected mailbox since the last time (RFC 9051 section 7.4 and 7.5):
   * EXPUNGE (only when `allowExpunge`), EXISTS for new messages, FETCH FLAGS for flag changes.
   */
  sendUpdates(allowExpunge: boolean): Promise<void> {
    this.updating = this.updating.then(async () => {
      await this.doSendUpdates(allowExpunge);
      if (this.idling) this.flush();
    }).catch((err: unknown) => {
      this.ctx.logger.error({ err }, 'imap: update failed');
    });
    return this.updating;
  }

  private async doSendUpdates(allowExpunge: boolean): Promise<void> {
    const sel = this.selected;
    if (!sel || this.closed) return;
    if (allowExpunge && sel.pendingExpunge.size) {
      const gone = [...sel.pendingExpunge];
      sel.pendingExpunge.clear();
      for (const uid of gone) sel.pendingFlags.delete(uid);
      this.reportExpunged(gone);
    }
    if (sel.pendingNew) {
      sel.pendingNew = false;
      const fresh = await this.services.messages.between(sel.id, sel.lastUid + 1, Number.MAX_SAFE_INTEGER);
      if (fresh.length) {
        for (const r of fresh) sel.uids.push(Number(r.uid));
        this.write(Buffer.from(`* ${sel.exists} EXISTS\r\n`));
        if (!this.rev2) {
          await this.markRecent(sel, fresh.map((r) => Number(r.uid)));
          this.write(Buffer.from(`* ${sel.recent.size} RECENT\r\n`));
        }
      }
    }
    if (sel.pendingFlags.size) {
      const changes = [...sel.pendingFlags];
      sel.pendingFlags.clear();
      for (const [uid, c] of changes) {
        const seq = sel.seqOf(uid);
        if (!seq || sel.pendingExpunge.has(uid)) continue;
        const items: wire.ImapOut[] = [wire.atom('UID'), uid, wire.atom('FLAGS'), this.flagAtoms(uid, c.flags)];
        if (this.condstore) items.push(wire.atom('MODSEQ'), [c.modseq]);
        this.write(wire.untagged([seq, wire.atom('FETCH'), items]));
      }
    }
  }

  /**
   * RFC 3501 section 2.3.2: of `uids` (ascending), those no other session was told of first become
   * \Recent here. A read-write session claims them; a read-only one only looks.
   */
  async markRecent(sel: SelectedMailbox, uids: readonly number[]): Promise<void> {
    if (!uids.length) return;
    const next = uids[uids.length - 1]! + 1;
    const from = sel.readOnly
      ? Number((await this.services.mailboxes.refresh(sel.id)).recent_uid)
      : await this.services.mailboxes.claimRecent(sel.id, next);
    for (const u of uids) if (u >= from) sel.recent.add(u);
  }

  /**
   * Removes expunged UIDs from the selected mailbox and tells the client: `* n EXPUNGE` from the
   * highest number down, or one `* VANISHED uids` once QRESYNC is enabled (RFC 7162 section 3.2.10).
   */
  reportExpunged(uids: readonly number[]): void {
    const sel = this.selected;
    if (!sel || !uids.length) return;
    const known = uids.filter((u) => sel.seqOf(u) > 0);
    if (this.enabled.has('QRESYNC')) {
      for (const u of known) sel.remove(u);
      if (known.length) this.write(Buffer.from(`* VANISHED ${formatRanges(rangesFromNumbers(known))}\r\n`));
      return;
    }
    for (const uid of [...known].sort((a, b) => b - a)) {
      const seq = sel.remove(uid);
      if (seq) this.write(Buffer.from(`* ${seq} EXPUNGE\r\n`));
    }
  }

  // ---- closing ----

  close(): void {
    if (this.closed) return;
    this.flush();
    this.closed = true;
    this.state = 'logout';
    if (this.deflate) this.deflate.flush(zlib.constants.Z_SYNC_FLUSH, () => this.socket.end());
    else this.socket.end();
    setTimeout(() => this.socket.destroy(), 2000).unref();
    this.teardown();
  }

  private teardown(): void {
    this.closed = true;
    if (this.selected) this.ctx.hub.unwatch(this.selected.id, this);
    this.selected = null;
    this.ctx.sessions.delete(this);
  }

  get isClosed(): boolean {
    return this.closed;
  }
}

