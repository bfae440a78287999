/**
 * Local delivery: the one function every door (SMTP, submission, JMAP import, migration, SMS
 * replies) calls to put a message into local mailboxes.
 *
 * The body is streamed once: into the content-addressed blob store (durable before anything
 * refers to it) and, in the same pass, through the MIME indexer, so the parsed structure is
 * stored with the message and no reader ever re-parses it. Then one transaction (shared with
 * concurrent deliveries by group commit) reserves quota, takes UIDs and MODSEQs and writes every
 * mailbox row: all recipients get the message or none does.
 */
import type { Readable } from 'node:stream';
import { parseAddress } from '../addresses.js';
import { WardpostError, notFound } from '../errors.js';
import type { EventBus } from '../events/bus.js';
import type { AccountRow, Repos, Store } from '../../store/types.js';
import { MimeIndexer } from './mime/index.js';
import type { MessageIndex } from './mime/types.js';
import { partOfType } from './mime/section.js';
import { toMessageMeta } from './message-meta.js';
import { receivesMail } from '../accounts/receives-mail.js';

export interface DeliveryInput {
  source: Readable;
  /** Local addresses (primary or alias). Several addresses of one account get one copy. */
  recipients: string[];
  /** Folder to file into; INBOX by default. */
  folder?: string;
  /**
   * That folder's id, when the caller has already found it (an APPEND names the folder the client
   * chose): saves looking it up again. Only with one recipient, the folder's owner; the caller
   * vouches that the folder is that account's (nothing checks it again).
   */
  mailboxId?: number;
  flags?: string[];
  internalDate?: Date;
  /**
   * A recipient whose mailbox cannot take the message: `refuse` (default) refuses the whole
   * delivery, nothing written; `skip` delivers to the others (still atomically among them) and
   * reports the refused ones in the receipt, for doors that can answer per recipient (SMTP).
   * When no recipient can take it, both refuse.
   */
  overQuota?: 'refuse' | 'skip';
  /**
   * Set for mail arriving from outside the mailbox (SMTP, submission to local recipients): each
   * recipient's server-side rules (Sieve, vacation) decide where it is filed. Appends never set it.
   */
  rules?: { envelopeFrom: string };
}

/** Where a recipient's rules file one message: folders (empty: nowhere) and what to do once it is stored. */
export interface RuleDecision {
  folders: { name: string; flags: string[] }[];
  /** Runs after the delivery committed (vacation replies, redirects, rejections); never throws. */
  after?: () => Promise<void>;
}

/** The delivery hook of server-side rules (core/rules implements it). */
export interface DeliveryRules {
  decide(input: { accountId: number; recipient: string; envelopeFrom: string; folder: string; blobHash: string; size: number; index: MessageIndex; inline: Buffer | null }): Promise<RuleDecision>;
}

export interface DeliveredCopy {
  recipient: string;
  accountId: number;
  mailboxId: number;
  uid: number;
  modseq: number;
}

export interface DeliveryReceipt {
  blobHash: string;
  size: number;
  index: MessageIndex;
  copies: DeliveredCopy[];
  /** Recipients left out because their mailbox was full (only with `overQuota: 'skip'`). */
  refused: { recipient: string; error: WardpostError }[];
}

interface Target {
  recipient: string;
  account: AccountRow;
  mailboxId: number;
  /** Flags of this copy when rules chose them (else the input's). */
  flags?: string[];
}

/** A message whose body is stored and parsed, waiting for its rows to be written. */
interface Prepared {
  targets: Target[];
  hash: string;
  size: number;
  inline: Buffer | null;
  index: MessageIndex;
  internalDate: number;
  flags: string[];
  after: (() => Promise<void>)[];
  refused: DeliveryReceipt['refused'];
  /** Records a full recipient (or throws when the delivery refuses on a full mailbox). */
  refuse: (t: Target) => void;
  /** Recipients refused before the transaction (kept when a group commit re-runs it). */
  early: number;
  /** Arrived by mail (the input has rules), as opposed to an append or import. */
  inbound: boolean;
}

export class DeliveryService {
  constructor(
    private readonly store: Store,
    private readonly bus: EventBus,
    private readonly rules: DeliveryRules | null = null,
  ) {}

  /** Delivers one message to local recipients atomically; resolves only once it is durable. */
  async deliver(input: DeliveryInput): Promise<DeliveryReceipt> {
    return (await this.deliverAll([input]))[0]!;
  }

  /**
   * Delivers several messages in one transaction: all of them or none (IMAP MULTIAPPEND, RFC 3502
   * section 6.3.11), with quota reserved for the whole set. Bodies are stored and parsed first.
   */
  async deliverAll(inputs: readonly DeliveryInput[]): Promise<DeliveryReceipt[]> {
    const prepared: Prepared[] = [];
    for (const input of inputs) prepared.push(await this.prepare(input));
    const all = await this.store.grouped(async (tx: Repos) => {
      const out: DeliveredCopy[][] = [];
      for (const p of prepared) out.push(await this.write(tx, p));
      return out;
    });
    const receipts: DeliveryReceipt[] = [];
    for (const [i, p] of prepared.entries()) {
      const copies = all[i]!;
      const calendar = partOfType(p.index.structure, 'text', 'calendar') !== null;
      for (const c of copies) {
        await this.bus.publish({ type: 'mail.delivered', accountId: c.accountId, mailboxId: c.mailboxId, uid: c.uid, modseq: c.modseq, inbound: p.inbound, ...(calendar ? { calendar } : {}) });
      }
      for (const a of p.after) await a();
      receipts.push({ blobHash: p.hash, size: p.size, index: p.index, copies, refused: p.refused });
    }
    return receipts;
  }

  /** Resolves recipients, refuses full mailboxes, then stores and parses the body (nothing refers to it yet). */
  private async prepare(input: DeliveryInput): Promise<Prepared> {
    const skip = input.overQuota === 'skip';
    const refused: DeliveryReceipt['refused'] = [];
    const refuse = (t: Target) => {
      const error = quotaExceeded(t.recipient);
      if (!skip) throw error;
      refused.push({ recipient: t.recipient, error });
    };
    // Refuse early, before storing a byte, when a mailbox is already full.
    let targets = (await this.resolveTargets(input.recipients, input.folder ?? 'INBOX', input.mailboxId)).filter((t) => {
      const quota = Number(t.account.quota_bytes);
      if (quota > 0 && Number(t.account.used_bytes) >= quota) {
        refuse(t);
        return false;
      }
      return true;
    });
    if (!targets.length) throw refused[0]!.error;

    const indexer = new MimeIndexer();
    const { hash, size, inline } = await this.store.blobs.put(input.source, (chunk) => indexer.write(chunk));
    indexer.end();
    const index = await indexer.result;
    const internalDate = (input.internalDate ?? new Date()).getTime();
    const flags = normaliseFlags(input.flags ?? []);
    const after: (() => Promise<void>)[] = [];
    if (input.rules && this.rules) targets = await this.applyRules(targets, input, { hash, size, index, inline }, after);
    return { targets, hash, size, inline, index, internalDate, flags, after, refused, refuse, early: refused.length, inbound: !!input.rules };
  }

  /** One message's rows: parsed form, quota, UIDs, messages, blob references. */
  private async write(tx: Repos, p: Prepared): Promise<DeliveredCopy[]> {
    const { hash, size, refused, early } = p;
    // A group commit may re-run this function (PostgreSQL deadlock retry): start clean each time.
    refused.length = early;
    await tx.messageMeta.put(toMessageMeta(hash, p.index));
    const out: DeliveredCopy[] = [];
    // Fixed lock order (mailbox id) so concurrent multi-recipient deliveries cannot deadlock.
    for (const t of [...p.targets].sort((a, b) => a.mailboxId - b.mailboxId)) {
      // A refused reservation wrote nothing, so skipping this recipient leaves no trace.
      if (!(await tx.accounts.reserveQuota(t.account.id, size))) {
        p.refuse(t);
        continue;
      }
      const { uid, modseq } = await tx.mailboxes.allocate(t.mailboxId, size);
      await tx.messages.insert({ mailboxId: t.mailboxId, uid, modseq, blobHash: hash, size, internalDate: p.internalDate, flags: t.flags ?? p.flags });
      out.push({ recipient: t.recipient, accountId: t.account.id, mailboxId: t.mailboxId, uid, modseq });
    }
    // Every recipient that was to get a copy is full: throwing rolls this caller's writes back.
    if (!out.length && refused.length > early) throw refused[early]!.error;
    await tx.blobRefs.addRefs(hash, size, out.length, p.inline);
    return out;
  }

  /**
   * Can `address` take a message of `bytes` more (0 when the size is not known yet)? Throws
   * quota_exceeded when its mailbox is full, so a door can refuse that recipient alone up front
   * (SMTP RCPT, RFC 3463 4.2.2). Delivery checks again atomically; this is the early answer.
   * `read`: the account's row when the caller has just read it.
   */
  async checkRoom(address: string, bytes = 0, read?: AccountRow): Promise<void> {
    const account = read ?? (await this.store.accounts.resolve(parseAddress(address).address));
    if (!account) return;
    const quota = Number(account.quota_bytes);
    if (quota > 0 && (Number(account.used_bytes) >= quota || Number(account.used_bytes) + bytes > quota)) throw quotaExceeded(address);
  }

  /** Each recipient's rules (RFC 5228 at final delivery) replace its one target by zero or more folders. */
  private async applyRules(targets: Target[], input: DeliveryInput, msg: { hash: string; size: number; index: MessageIndex; inline: Buffer | null }, after: (() => Promise<void>)[]): Promise<Target[]> {
    const out: Target[] = [];
    for (const t of targets) {
      const d = await this.rules!.decide({ accountId: t.account.id, recipient: t.recipient, envelopeFrom: input.rules!.envelopeFrom, folder: input.folder ?? 'INBOX', blobHash: msg.hash, size: msg.size, index: msg.index, inline: msg.inline });
      if (d.after) after.push(d.after);
      for (const f of d.folders) {
        // The folder the delivery was for (most rules keep it) was found already.
        const same = f.name === (input.folder ?? 'INBOX');
        const mailbox = same ? { id: t.mailboxId } : ((await this.store.mailboxes.byName(t.account.id, f.name)) ?? (await this.store.mailboxes.byName(t.account.id, 'INBOX')));
        if (mailbox && !out.some((o) => o.mailboxId === mailbox.id)) out.push({ ...t, mailboxId: mailbox.id, flags: normaliseFlags([...(input.flags ?? []), ...f.flags]) });
      }
    }
    return out;
  }

  private async resolveTargets(recipients: string[], folder: string, mailboxId?: number): Promise<Target[]> {
    if (!recipients.length) throw new WardpostError('invalid_input', 'a delivery needs at least one recipient');
    if (mailboxId !== undefined && recipients.length !== 1) throw new WardpostError('invalid_input', 'a delivery into a given folder has exactly one recipient');
    const byAccount = new Map<number, Target>();
    for (const r of recipients) {
      const { address } = parseAddress(r);
      const account = await this.store.accounts.resolve(address);
      if (!account) throw notFound(`no local mailbox for ${address}`, { recipient: address });
      if (!receivesMail(account)) throw notFound(`${address} no longer receives mail (the account was deleted)`, { recipient: address });
      if (byAccount.has(account.id)) continue;
      if (mailboxId !== undefined) {
        byAccount.set(account.id, { recipient: address, account, mailboxId });
        continue;
      }
      const mailbox = (await this.store.mailboxes.byName(account.id, folder)) ?? (await this.store.mailboxes.byName(account.id, 'INBOX'));
      if (!mailbox) throw notFound(`${address} has no folder "${folder}"`, { recipient: address });
      byAccount.set(account.id, { recipient: address, account, mailboxId: mailbox.id });
    }
    return [...byAccount.values()];
  }
}

function quotaExceeded(recipient: string): WardpostError {
  return new WardpostError('quota_exceeded', `the mailbox of ${recipient} is full; the recipient must delete mail or ask for more space`, { recipient });
}

/** IMAP system flags keep their case (\Seen); keywords are atoms; duplicates dropped. */
export function normaliseFlags(flags: string[]): string[] {
  const out = new Set<string>();
  for (const f of flags) {
    if (!/^\\?[^\s()\]{%*"\\]+$/.test(f)) throw new WardpostError('invalid_input', `"${f}" is not a valid flag or keyword`);
    out.add(f.startsWith('\\') ? `\\${f[1]!.toUpperCase()}${f.slice(2).toLowerCase()}` : f);
  }
  return [...out];
}
