/**
 * Recently read directory entries by id, converted from their rows once, least recently used
 * dropped first. An entry object is immutable and stands for one version of its row: every change
 * drops it (drop), and entries read from the store while a change happened are not kept (the
 * read may predate the change), so the cache never serves an entry older than the index. Doors may
 * therefore key their own derived forms (LDAP's encoded entries) on the entry object itself.
 */
import type { DirectoryEntry } from './types.js';

export class EntryCache {
  private readonly entries = new Map<number, DirectoryEntry>();
  private epoch = 0;

  constructor(private readonly capacity: number) {}

  get size(): number {
    return this.entries.size;
  }

  drop(id: number): void {
    this.entries.delete(id);
    this.epoch++;
  }

  /** Forgets everything (the organisations entries name have changed). */
  clear(): void {
    this.entries.clear();
    this.epoch++;
  }

  /** The entries of these ids that exist, in the order asked; `load` reads the missing ones. */
  async read(ids: readonly number[], load: (ids: number[]) => Promise<DirectoryEntry[]>): Promise<DirectoryEntry[]> {
    const out: (DirectoryEntry | undefined)[] = new Array(ids.length);
    let missing: number[] | null = null;
    const entries = this.entries;
    for (let i = 0; i < ids.length; i++) {
      const id = ids[i]!;
      const e = entries.get(id);
      if (e) {
        // Most recently used last.
        entries.delete(id);
        entries.set(id, e);
        out[i] = e;
      } else (missing ??= []).push(id);
    }
    if (missing) {
      const epoch = this.epoch;
      const loaded = await load(missing);
      const byId = new Map<number, DirectoryEntry>();
      for (const e of loaded) byId.set(e.id, e);
      const keep = epoch === this.epoch && this.capacity > 0;
      for (let i = 0; i < ids.length; i++) {
        if (out[i]) continue;
        const e = byId.get(ids[i]!);
        out[i] = e;
        if (e && keep) entries.set(e.id, e);
      }
      if (keep) {
        for (const id of entries.keys()) {
          if (entries.size <= this.capacity) break;
          entries.delete(id);
        }
      }
    }
    return missing ? out.filter((e): e is DirectoryEntry => e !== undefined) : (out as DirectoryEntry[]);
  }
}
