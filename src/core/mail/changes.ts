/**
 * Exact change tracking for JMAP (RFC 8620 section 5.2 /changes) derived from the counters IMAP
 * already keeps: a state is the folder log position of the account plus, per visible folder, its
 * HIGHESTMODSEQ and UIDNEXT (RFC 7162). Anything that changed a message bumped its folder's
 * MODSEQ; anything that removed one left an expunge record (with its body hash) or a folder log
 * entry (deleted folder, with its bodies). So the difference between two states is computed, not
 * guessed, and IMAP and JMAP see one truth. Email ids are body hashes (one Email per distinct body
 * in an account, as Cyrus does with its GUIDs).
 */
import type { JmapRepo, MailboxRow, MessageListRow } from '../../store/types.js';

export interface FolderCounter {
  id: number;
  modseq: number;
  uidnext: number;
}

export interface MailState {
  log: number;
  folders: FolderCounter[];
}

const b36 = (n: number) => n.toString(36);

/** An opaque, compact state string: "log~id.modseq.uidnext_..." in base 36. */
export function encodeState(s: MailState): string {
  return `${b36(s.log)}~${s.folders.map((f) => `${b36(f.id)}.${b36(f.modseq)}.${b36(f.uidnext)}`).join('_')}`;
}

/** Parses a state string; null when it is not one of ours (the caller answers cannotCalculateChanges). */
export function decodeState(text: string): MailState | null {
  const m = /^([0-9a-z]+)~((?:[0-9a-z]+\.[0-9a-z]+\.[0-9a-z]+)(?:_[0-9a-z]+\.[0-9a-z]+\.[0-9a-z]+)*)?$/.exec(text);
  if (!m) return null;
  const folders = (m[2] ?? '').split('_').filter(Boolean).map((p) => {
    const [id, modseq, uidnext] = p.split('.').map((x) => parseInt(x, 36)) as [number, number, number];
    return { id, modseq, uidnext };
  });
  return { log: parseInt(m[1]!, 36), folders };
}

export function stateOf(log: number, folders: readonly MailboxRow[]): MailState {
  return {
    log,
    folders: folders.map((f) => ({ id: f.id, modseq: Number(f.highestmodseq), uidnext: Number(f.uidnext) })).sort((a, b) => a.id - b.id),
  };
}

export interface Changes {
  created: string[];
  updated: string[];
  destroyed: string[];
  /** The state the caller has reached (the new state, or an intermediate one when hasMore). */
  state: MailState;
  hasMore: boolean;
}

/**
 * Email changes between `old` and `now` over the folders of one account. Works folder by folder
 * so that, past `maxChanges`, the state returned is the old one with the finished folders
 * advanced (a real intermediate state). Returns null when one folder alone has more than
 * `maxChanges` changes (RFC 8620 5.2 allows cannotCalculateChanges then).
 */
export async function emailChanges(repo: JmapRepo, old: MailState, now: MailState, deletedHashes: string[], maxChanges: number): Promise<Changes | null> {
  const before = new Map(old.folders.map((f) => [f.id, f]));
  const current = now.folders.map((f) => f.id);
  const touched = new Set<string>(deletedHashes);
  const existedBefore = new Set<string>(deletedHashes);
  const reached: FolderCounter[] = [];
  let hasMore = false;
  for (const f of now.folders) {
    const o = before.get(f.id) ?? { id: f.id, modseq: 0, uidnext: 1 };
    if (o.modseq === f.modseq) {
      reached.push(f);
      continue;
    }
    const here = new Set<string>();
    const changed = await repo.changedSince(f.id, o.modseq);
    for (const r of changed) {
      here.add(r.blobHash);
      if (r.uid < o.uidnext) existedBefore.add(r.blobHash);
    }
    for (const e of await repo.expungedSince(f.id, o.modseq)) {
      if (!e.blobHash) return null; // expunged before 0008_jmap: no body recorded
      here.add(e.blobHash);
      if (e.uid < o.uidnext) existedBefore.add(e.blobHash);
    }
    const fresh = [...here].filter((h) => !touched.has(h));
    if (touched.size + fresh.length > maxChanges) {
      if (!touched.size) return null;
      hasMore = true;
      reached.push(o);
      continue;
    }
    for (const h of fresh) touched.add(h);
    reached.push(f);
  }
  const ids = [...touched];
  // Which touched bodies still exist somewhere in the account, and which were there before in an unchanged copy.
  const live = new Map<string, MessageListRow[]>();
  for (const r of await repo.rows(current, ids)) {
    const list = live.get(r.blobHash) ?? [];
    list.push(r);
    live.set(r.blobHash, list);
  }
  const oldOf = new Map(reached.map((f) => [f.id, before.get(f.id)]));
  const out: Changes = { created: [], updated: [], destroyed: [], state: { log: hasMore ? old.log : now.log, folders: reached }, hasMore };
  for (const h of ids) {
    const rows = live.get(h);
    if (!rows) {
      out.destroyed.push(h);
      continue;
    }
    const wasThere = existedBefore.has(h) || rows.some((r) => r.uid < (oldOf.get(r.mailboxId)?.uidnext ?? 1));
    (wasThere ? out.updated : out.created).push(h);
  }
  return out;
}

/** The bodies that were in folders deleted since `old` (from the folder log). */
export async function deletedFolderHashes(repo: JmapRepo, accountIds: readonly number[], old: MailState): Promise<string[]> {
  const out: string[] = [];
  for (const e of await repo.mailboxLogSince(accountIds, old.log)) if (e.change === 'deleted') out.push(...e.hashes);
  return out;
}

export interface FolderChanges {
  created: number[];
  updated: number[];
  destroyed: number[];
  /** True when only counts changed (JMAP updatedProperties: the count properties). */
  countsOnly: boolean;
}

/** Folder changes between two states: the log says which were created, renamed, deleted; MODSEQs say whose counts moved. */
export async function folderChanges(repo: JmapRepo, accountIds: readonly number[], old: MailState, now: MailState): Promise<FolderChanges> {
  const before = new Map(old.folders.map((f) => [f.id, f]));
  const nowIds = new Set(now.folders.map((f) => f.id));
  const created = new Set<number>();
  const updated = new Set<number>();
  const destroyed = new Set<number>();
  let structural = false;
  for (const f of now.folders) if (!before.has(f.id)) created.add(f.id);
  for (const f of old.folders) if (!nowIds.has(f.id)) destroyed.add(f.id);
  for (const e of await repo.mailboxLogSince(accountIds, old.log)) {
    if (created.has(e.mailboxId) || destroyed.has(e.mailboxId)) continue;
    if (nowIds.has(e.mailboxId)) {
      updated.add(e.mailboxId);
      structural = true;
    }
  }
  for (const f of now.folders) {
    const o = before.get(f.id);
    if (o && o.modseq !== f.modseq) updated.add(f.id);
  }
  return { created: [...created], updated: [...updated], destroyed: [...destroyed], countsOnly: !structural };
}
