/**
 * An in-memory word index of the stored message text, per folder, so a substring search (IMAP
 * SEARCH TEXT/BODY, JMAP text filters) looks at a vocabulary instead of scanning every body. Built
 * on first use from the stored parsed text and caught up by UID on every query (UIDs only grow, so
 * nothing is missed; expunged UIDs are filtered out by the caller). A bounded number of folders
 * is kept (least recently searched dropped). Candidates are exact for a needle that is one word
 * fragment; a needle with spaces or punctuation is verified against the stored text.
 */
import type { Store } from '../../store/types.js';

const MAX_FOLDERS = 16;
const BATCH = 2000;
const SPLIT = /[^\p{L}\p{N}]+/u;

interface FolderIndex {
  lastUid: number;
  body: Map<string, number[]>;
  headers: Map<string, number[]>;
  building: Promise<void> | null;
}

function addWords(map: Map<string, number[]>, text: string, uid: number): void {
  const seen = new Set(text.toLowerCase().split(SPLIT));
  for (const w of seen) {
    if (!w || w.length > 64) continue;
    const list = map.get(w);
    if (list) list.push(uid);
    else map.set(w, [uid]);
  }
}

function matching(map: Map<string, number[]>, part: string, into: Set<number>): void {
  for (const [w, uids] of map) if (w.includes(part)) for (const u of uids) into.add(u);
}

function intersect(a: ReadonlySet<number>, b: ReadonlySet<number>): Set<number> {
  const out = new Set<number>();
  for (const u of a) if (b.has(u)) out.add(u);
  return out;
}

export class TextIndex {
  private readonly folders = new Map<number, FolderIndex>();

  constructor(private readonly store: Store) {}

  private async folder(mailboxId: number): Promise<FolderIndex> {
    let f = this.folders.get(mailboxId);
    if (f) {
      this.folders.delete(mailboxId);
      this.folders.set(mailboxId, f);
    } else {
      f = { lastUid: 0, body: new Map(), headers: new Map(), building: null };
      this.folders.set(mailboxId, f);
      if (this.folders.size > MAX_FOLDERS) this.folders.delete(this.folders.keys().next().value as number);
    }
    // One catch-up at a time per folder; concurrent searches wait for it.
    while (f.building) await f.building;
    f.building = this.catchUp(mailboxId, f).finally(() => {
      f.building = null;
    });
    await f.building;
    return f;
  }

  private async catchUp(mailboxId: number, f: FolderIndex): Promise<void> {
    for (;;) {
      const rows = await this.store.mailState.textRows(mailboxId, f.lastUid, BATCH);
      for (const r of rows) {
        addWords(f.body, r.body, r.uid);
        addWords(f.headers, r.headers, r.uid);
        f.lastUid = r.uid;
      }
      if (rows.length < BATCH) return;
    }
  }

  /** UIDs whose body text (and, with `headers`, header text) contains `needle`, case-insensitively. */
  async search(mailboxId: number, needle: string, headers: boolean): Promise<number[]> {
    const lower = needle.toLowerCase();
    const parts = lower.split(SPLIT).filter(Boolean);
    if (!parts.length) return this.store.mailState.searchText(mailboxId, needle, headers ? ['search_text', 'index_json'] : ['search_text']);
    const f = await this.folder(mailboxId);
    let result: Set<number> | null = null;
    for (const part of parts) {
      const hits = new Set<number>();
      matching(f.body, part, hits);
      if (headers) matching(f.headers, part, hits);
      result = result === null ? hits : intersect(result, hits);
      if (!result.size) return [];
    }
    const candidates = [...(result ?? [])].sort((a, b) => a - b);
    if (parts.length === 1 && parts[0] === lower) return candidates;
    return this.store.mailState.searchText(mailboxId, needle, headers ? ['search_text', 'index_json'] : ['search_text'], candidates);
  }
}
