/**
 * Messages in folders after delivery: reading metadata and bodies, flags with MODSEQ, copy, move,
 * expunge and append. IMAP, JMAP and the web share these; nothing here knows a protocol beyond
 * UIDs, MODSEQs and flags. Every change publishes an event so other sessions learn of it.
 */
import type { Readable } from 'node:stream';
import { WardpostError } from '../errors.js';
import type { EventBus } from '../events/bus.js';
import type { MessageRow, Repos, Store } from '../../store/types.js';
import { normaliseFlags, type DeliveryService } from './delivery.js';
import type { MailboxView } from './mailbox-service.js';
import type { MessageIndex } from './mime/types.js';
import { TextIndex } from './text-index.js';

const forbidden = (msg: string) => new WardpostError('forbidden', msg);

export type FlagOperation = 'replace' | 'add' | 'remove';

export interface FlagChange {
  uid: number;
  modseq: number;
  flags: string[];
}

export interface StoreResult {
  changed: FlagChange[];
  /** UIDs left alone because they changed after UNCHANGEDSINCE (RFC 7162 section 3.1.3). */
  failed: number[];
}

export interface CopyResult {
  uidvalidity: number;
  /** Source UID to destination UID, in source UID order. */
  map: [number, number][];
}

/** Flags as stored: a space-separated list. */
export const parseFlags = (s: string): string[] => (s ? s.split(' ') : []);

/** The rights a flag change needs (RFC 4314 section 4): s for \Seen, t for \Deleted, w for the rest. */
export function canChangeFlag(rights: string, flag: string): boolean {
  if (flag === '\\Seen') return rights.includes('s');
  if (flag === '\\Deleted') return rights.includes('t');
  return rights.includes('w');
}

/** A small LRU of parsed message indexes: FETCH of ENVELOPE/BODYSTRUCTURE never re-parses JSON it has just seen. */
class IndexCache {
  private readonly map = new Map<string, MessageIndex>();
  constructor(private readonly max: number) {}
  get(hash: string): MessageIndex | undefined {
    const v = this.map.get(hash);
    if (v) {
      this.map.delete(hash);
      this.map.set(hash, v);
    }
    return v;
  }
  set(hash: string, v: MessageIndex): void {
    this.map.set(hash, v);
    if (this.map.size > this.max) this.map.delete(this.map.keys().next().value as string);
  }
}

export class MessageService {
  private readonly cache = new IndexCache(20_000);
  private readonly textIndex: TextIndex;

  constructor(
    private readonly store: Store,
    private readonly bus: EventBus,
    private readonly delivery: DeliveryService,
  ) {
    this.textIndex = new TextIndex(store, bus);
  }

  /** Stops background work (text indexing) before the store closes. */
  close(): Promise<void> {
    return this.textIndex.close();
  }

  /** UIDs of a folder, ascending. */
  uids(mailboxId: number): Promise<number[]> {
    return this.store.mailState.uids(mailboxId);
  }

  /** UID, flags and MODSEQ of every message of a folder, ascending. */
  flagsOf(mailboxId: number): Promise<{ uid: number; flags: string; modseq: number }[]> {
    return this.store.mailState.flagsOf(mailboxId);
  }

  /** Message rows with UIDs in [first, last], ascending. */
  between(mailboxId: number, first: number, last: number): Promise<MessageRow[]> {
    return this.store.mailState.messagesBetween(mailboxId, first, last);
  }

  /** Message rows with these UIDs, ascending. */
  byUids(mailboxId: number, uids: readonly number[]): Promise<MessageRow[]> {
    return this.store.mailState.messagesByUids(mailboxId, uids);
  }

  /** The parsed form of each body (stored at delivery), by blob hash. */
  async indexes(hashes: Iterable<string>): Promise<Map<string, MessageIndex>> {
    const out = new Map<string, MessageIndex>();
    const missing: string[] = [];
    for (const h of hashes) {
      if (out.has(h)) continue;
      const hit = this.cache.get(h);
      if (hit) out.set(h, hit);
      else missing.push(h);
    }
    for (const r of await this.store.mailState.indexes([...new Set(missing)])) {
      const idx = JSON.parse(r.indexJson) as MessageIndex;
      idx.date = idx.date ? new Date(idx.date as unknown as string) : null;
      this.cache.set(r.blobHash, idx);
      out.set(r.blobHash, idx);
    }
    return out;
  }

  /** Streams a body, whole or the bytes [start, end), from the blob store (never loaded whole). */
  body(blobHash: string, range?: { start: number; end: number }): Readable {
    return this.store.blobs.get(blobHash, range);
  }

  /** UIDs of a folder whose stored text (body text, subject, sender, headers) contains `needle`. */
  searchText(mailboxId: number, needle: string, scope: 'body' | 'text' | 'subject' | 'from' | 'headers'): Promise<number[]> {
    if (scope === 'body' || scope === 'text') return this.textIndex.search(mailboxId, needle, scope === 'text');
    const cols = {
      body: ['search_text'],
      text: ['search_text', 'index_json'],
      subject: ['subject'],
      from: ['from_text'],
      headers: ['index_json'],
    } as const;
    return this.store.mailState.searchText(mailboxId, needle, cols[scope]);
  }

  /**
   * Changes flags of the messages with `uids` (RFC 9051 6.4.6, RFC 7162 MODSEQ): every changed
   * message gets one new MODSEQ. Flags the caller's rights do not cover are refused.
   */
  async setFlags(view: MailboxView, uids: readonly number[], op: FlagOperation, flags: readonly string[], opts: { unchangedSince?: number; origin?: string } = {}): Promise<StoreResult> {
    const wanted = normaliseFlags([...flags]);
    for (const f of wanted) if (!canChangeFlag(view.rights, f)) throw forbidden(`you may not change the ${f} flag in this folder`);
    const mailboxId = view.mailbox.id;
    const uidSet = new Set(uids);
    const result = await this.store.transaction(async (tx) => {
      const changed: FlagChange[] = [];
      const failed: number[] = [];
      if (!uids.length) return { changed, failed };
      const rows = (await tx.mailState.messagesBetween(mailboxId, Math.min(...uids), Math.max(...uids))).filter((r) => uidSet.has(Number(r.uid)));
      let modseq = 0;
      for (const r of rows) {
        if (opts.unchangedSince !== undefined && Number(r.modseq) > opts.unchangedSince) {
          failed.push(Number(r.uid));
          continue;
        }
        const current = parseFlags(r.flags);
        let next: string[];
        if (op === 'replace') {
          // Flags the caller may not touch keep their state.
          next = [...new Set([...wanted, ...current.filter((f) => !canChangeFlag(view.rights, f))])];
        } else if (op === 'add') next = [...new Set([...current, ...wanted])];
        else next = current.filter((f) => !wanted.includes(f));
        if (sameFlags(current, next)) continue;
        if (!modseq) modseq = await tx.mailState.bumpModseq(mailboxId);
        await tx.mailState.setFlags(mailboxId, Number(r.uid), next.join(' '), modseq);
        changed.push({ uid: Number(r.uid), modseq, flags: next });
      }
      return { changed, failed };
    });
    if (result.changed.length) {
      await this.bus.publish({ type: 'mail.flags', accountId: view.owner.id, mailboxId, changes: result.changed, origin: opts.origin });
    }
    return result;
  }

  /**
   * Copies messages to another folder (RFC 9051 6.4.7, RFC 4315 COPYUID): one more reference to
   * each body, quota charged to the destination's owner. Needs r on the source and i on the target.
   */
  async copy(from: MailboxView, uids: readonly number[], to: MailboxView): Promise<CopyResult> {
    if (!from.rights.includes('r')) throw forbidden('you may not read this folder');
    if (!to.rights.includes('i')) throw forbidden(`you may not add messages to "${to.mailbox.name}"`);
    const uidSet = new Set(uids);
    const delivered: { uid: number; modseq: number }[] = [];
    const map = await this.store.transaction(async (tx) => {
      const out: [number, number][] = [];
      if (!uids.length) return out;
      const rows = (await tx.mailState.messagesBetween(from.mailbox.id, Math.min(...uids), Math.max(...uids))).filter((r) => uidSet.has(Number(r.uid)));
      for (const r of rows) {
        const size = Number(r.size);
        if (!(await tx.accounts.reserveQuota(to.owner.id, size))) {
          throw new WardpostError('quota_exceeded', `the mailbox of ${to.owner.address} is full; delete mail or ask for more space`);
        }
        const { uid, modseq } = await tx.mailboxes.allocate(to.mailbox.id, size);
        const flags = to.rights.includes('s') || to.rights.includes('w') ? parseFlags(r.flags) : [];
        await tx.messages.insert({ mailboxId: to.mailbox.id, uid, modseq, blobHash: r.blob_hash, size, internalDate: Number(r.internal_date), flags });
        await tx.blobRefs.addRefs(r.blob_hash, size, 1);
        out.push([Number(r.uid), uid]);
        delivered.push({ uid, modseq });
      }
      return out;
    });
    for (const d of delivered) await this.bus.publish({ type: 'mail.delivered', accountId: to.owner.id, mailboxId: to.mailbox.id, uid: d.uid, modseq: d.modseq });
    return { uidvalidity: Number(to.mailbox.uidvalidity), map };
  }

  /** Moves messages (RFC 6851): copy, then remove from the source. Needs t and e on the source. */
  async move(from: MailboxView, uids: readonly number[], to: MailboxView, origin?: string): Promise<CopyResult & { expunged: number[] }> {
    if (!from.rights.includes('t') || !from.rights.includes('e')) throw forbidden('you may not remove messages from this folder');
    const res = await this.copy(from, uids, to);
    const expunged = await this.remove(from, res.map.map(([src]) => src), origin);
    return { ...res, expunged };
  }

  /**
   * Expunges the messages flagged \Deleted (only those among `uids` when given: UID EXPUNGE,
   * RFC 4315). Needs the e right. Returns the UIDs removed.
   */
  async expunge(view: MailboxView, uids?: readonly number[], origin?: string): Promise<number[]> {
    if (!view.rights.includes('e')) throw forbidden('you may not expunge this folder');
    const rows = await this.store.messages.list(view.mailbox.id);
    const only = uids ? new Set(uids) : null;
    const doomed = rows.filter((r) => parseFlags(r.flags).includes('\\Deleted') && (!only || only.has(Number(r.uid)))).map((r) => Number(r.uid));
    return this.remove(view, doomed, origin);
  }

  private async remove(view: MailboxView, uids: readonly number[], origin?: string): Promise<number[]> {
    if (!uids.length) return [];
    const mailboxId = view.mailbox.id;
    const uidSet = new Set(uids);
    const { removed, modseq } = await this.store.transaction(async (tx: Repos) => {
      const rows = (await tx.mailState.messagesBetween(mailboxId, Math.min(...uids), Math.max(...uids))).filter((r) => uidSet.has(Number(r.uid)));
      if (!rows.length) return { removed: [] as number[], modseq: 0 };
      const byHash = new Map<string, number>();
      let bytes = 0;
      for (const r of rows) {
        byHash.set(r.blob_hash, (byHash.get(r.blob_hash) ?? 0) + 1);
        bytes += Number(r.size);
      }
      const removedUids = rows.map((r) => Number(r.uid));
      await tx.mailState.removeMessages(mailboxId, removedUids);
      await tx.mailState.adjustMailbox(mailboxId, -rows.length, -bytes);
      await tx.mailState.releaseQuota(view.owner.id, bytes);
      for (const [hash, n] of byHash) await tx.blobRefs.removeRefs(hash, n);
      const m = await tx.mailState.bumpModseq(mailboxId);
      await tx.mailState.recordExpunged(mailboxId, removedUids, m, rows.map((r) => r.blob_hash));
      return { removed: removedUids, modseq: m };
    });
    if (removed.length) await this.bus.publish({ type: 'mail.expunged', accountId: view.owner.id, mailboxId, uids: removed, modseq, origin });
    return removed;
  }

  /** UIDs expunged since a MODSEQ (QRESYNC VANISHED (EARLIER), JMAP changes). */
  expungedSince(mailboxId: number, modseq: number): Promise<number[]> {
    return this.store.mailState.expungedSince(mailboxId, modseq);
  }

  /**
   * Appends a message to a folder (RFC 9051 6.3.12) through local delivery, so it is indexed,
   * deduplicated and counted against the owner's quota like any other. Needs the i right.
   */
  async append(view: MailboxView, source: Readable, opts: { flags?: string[]; internalDate?: Date }): Promise<{ uid: number; uidvalidity: number }> {
    const res = await this.appendAll(view, [{ source, ...opts }]);
    return { uid: res.uids[0]!, uidvalidity: res.uidvalidity };
  }

  /**
   * Appends several messages at once (RFC 3502 MULTIAPPEND): all of them or none, with the
   * owner's quota checked for the whole set. Flags the caller may not set are dropped.
   */
  async appendAll(view: MailboxView, messages: readonly { source: Readable; flags?: string[]; internalDate?: Date }[]): Promise<{ uids: number[]; uidvalidity: number }> {
    if (!view.rights.includes('i')) throw forbidden(`you may not add messages to "${view.mailbox.name}"`);
    const receipts = await this.delivery.deliverAll(
      messages.map((m) => ({
        source: m.source,
        recipients: [view.owner.address],
        folder: view.mailbox.name,
        mailboxId: view.mailbox.id,
        flags: (m.flags ?? []).filter((f) => canChangeFlag(view.rights, f) || view.own),
        internalDate: m.internalDate,
      })),
    );
    const uids = receipts.map((r) => {
      const copy = r.copies[0];
      if (!copy || copy.mailboxId !== view.mailbox.id) throw new WardpostError('temporary_failure', 'the message was not filed where asked; try again');
      return copy.uid;
    });
    return { uids, uidvalidity: Number(view.mailbox.uidvalidity) };
  }
}

function sameFlags(a: readonly string[], b: readonly string[]): boolean {
  if (a.length !== b.length) return false;
  const s = new Set(a);
  return b.every((f) => s.has(f));
}
