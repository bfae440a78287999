/**
 * The national directory: one search service every door calls (JSON API, LDAP, CardDAV, web).
 * Entries live in the store; the search index lives in memory, loaded at start and kept current
 * from domain events, so a search never scans the database.
 */
import type { EventBus } from '../events/bus.js';
import { notFound } from '../errors.js';
import type { DirectoryEntryRow, DirectoryIndexRow, DirectoryPhoto, DirectoryRecord, DirectoryUpsert, OrgRow, Store } from '../../store/types.js';
import { mailWords, queryTokens } from './normalise.js';
import { checkPhoto } from './photo.js';
import { accountSourceKey, orgRecord, orgSourceKey, rowToEntry, syncAccountEntry } from './records.js';
import { EntryCache } from './entry-cache.js';
import { DirectorySearchIndex, type IndexedEntry } from './search-index.js';
import type { DirectoryEntry, EntryKind, SearchQuery, SearchResult, Viewer, Visibility } from './types.js';

const NO_ORGS: ReadonlySet<number> = new Set();
/** Kinds of organisation that are units of a larger one: their "organisation" is the one above. */
const UNIT_KINDS = new Set(['site', 'department']);
/** Catch-up re-reads entries written this long before the last one (clock skew between writers). */
const CATCH_UP_MARGIN_MS = 2000;
export const MAX_PAGE = 200;
/**
 * Directory entries kept in memory (most recently read) unless configured
 * (WARDPOST_DIRECTORY_CACHE_ENTRIES, read in src/config): about 2.6 KB each with LDAP's compact form.
 */
export const ENTRY_CACHE_SIZE = 100_000;

export class DirectoryService {
  private readonly index = new DirectorySearchIndex();
  private readonly cache: EntryCache;
  private orgs = new Map<number, OrgRow>();
  /** Organisations by slug and by national code (search scopes name either). */
  private orgBySlug = new Map<string, OrgRow>();
  private orgByCode = new Map<string, OrgRow>();
  /** Per organisation, its subtree and its tenant (see tenantOf), kept until the tree is re-read. */
  private subtrees = new Map<number, ReadonlySet<number>>();
  private tenants = new Map<number, number>();
  private children = new Map<number, number[]>();
  private loaded = false;
  private unsubscribe: (() => void)[] = [];
  private timer: NodeJS.Timeout | null = null;
  /**
   * Recent versions the index already holds (id -> updated_at): written by this process, re-read on
   * an event, or loaded at start within the catch-up's margin. Catch-up skips them: re-indexing an
   * unchanged entry drops the ranked lists of its words' short prefixes, and the first catch-up
   * after a start next to a large import had re-indexed the import's last 40,000 rows, so the next
   * search of each common prefix rebuilt its list (20-50 ms: the directory bench's p99).
   */
  private readonly indexedVersions = new Map<number, number>();
  private caughtUpTo = 0;
  /** Marks this node's own events, whose changes its index already has. */
  private readonly nodeId = `directory-${process.pid}-${Math.random().toString(36).slice(2)}`;

  constructor(
    private readonly store: Store,
    private readonly bus: EventBus,
    opts: { cacheEntries?: number } = {},
  ) {
    this.cache = new EntryCache(opts.cacheEntries ?? ENTRY_CACHE_SIZE);
  }

  /**
   * Loads the index from the store and starts following changes: domain events from this process
   * (and, in cluster mode, other nodes), plus a cheap periodic catch-up on `updated_at` for writes
   * made by other processes that share the store without sharing the bus (the CLI next to `serve`).
   */
  async start(onProgress?: (loaded: number) => void, opts: { catchUpMs?: number } = {}): Promise<void> {
    if (this.loaded) return;
    this.caughtUpTo = Date.now() - 1000;
    await this.refreshOrgs();
    let after = 0;
    let n = 0;
    for (;;) {
      const page = await this.store.directory.scanForIndex(after, 10_000);
      if (!page.length) break;
      for (const r of page) {
        this.index.put(this.indexed(r));
        this.noteIndexed(r);
      }
      after = Number(page[page.length - 1]!.id);
      n += page.length;
      onProgress?.(n);
    }
    this.index.warmShortPrefixes();
    this.loaded = true;
    this.unsubscribe.push(
      this.bus.subscribe('account.created', (e) => void this.refreshKey(accountSourceKey(e.accountId))),
      this.bus.subscribe('account.updated', (e) => void this.refreshKey(accountSourceKey(e.accountId))),
      this.bus.subscribe('org.created', (e) => void this.refreshOrgs().then(() => this.refreshKey(orgSourceKey(e.orgId)))),
      this.bus.subscribe('directory.changed', (e) => {
        if (e.origin !== this.nodeId) void this.refreshIds(e.ids);
      }),
    );
    const every = opts.catchUpMs ?? 2000;
    if (every > 0) {
      this.timer = setInterval(() => void this.catchUp().catch(() => undefined), every);
      this.timer.unref();
    }
  }

  stop(): void {
    for (const u of this.unsubscribe.splice(0)) u();
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
  }

  /** Every entry written at or after `since` (ms), in pages, in (updated_at, id) order. */
  private changedRows(since: number): AsyncGenerator<DirectoryEntryRow> {
    return written(since, (at, afterId, limit) => this.store.directory.changedSince(at, afterId, limit));
  }

  /**
   * Re-reads entries written since the last catch-up (with a margin for clock skew between writers).
   * Their versions are read first and whole rows only for those the index lacks: right after a start
   * next to an import the margin holds tens of thousands of rows the index already has (reading them
   * whole had taken 0.3 s of the event loop on PostgreSQL, spread over the searches running then).
   */
  async catchUp(): Promise<number> {
    const since = this.caughtUpTo - CATCH_UP_MARGIN_MS;
    const now = Date.now();
    const stale: number[] = [];
    for await (const v of written(since, (at, afterId, limit) => this.store.directory.versionsSince(at, afterId, limit))) {
      // Rows this process wrote are already in its index (upsert updated it).
      if (this.indexedVersions.get(Number(v.id)) !== Number(v.updated_at)) stale.push(Number(v.id));
    }
    const rows = await this.rowsOf(stale);
    for (const r of rows) this.reindex(r);
    const n = rows.length;
    for (const [id, at] of this.indexedVersions) if (at < since) this.indexedVersions.delete(id);
    if (n) await this.refreshOrgs();
    this.caughtUpTo = now;
    return n;
  }

  get size(): number {
    return this.index.size;
  }

  /** Writes records (one transaction per call) and brings the index up to date. */
  async upsert(records: readonly DirectoryRecord[]): Promise<DirectoryUpsert[]> {
    const result = await this.store.transaction((tx) => tx.directory.upsertMany(records));
    const changed: number[] = [];
    result.forEach((r) => {
      if (r.change === 'unchanged') return;
      changed.push(r.id);
      // This node's index is current when upsert returns; other nodes follow the event.
      this.indexedVersions.set(r.id, Number(r.row.updated_at));
      if (this.loaded) this.reindex(r.row);
      else this.cache.drop(r.id);
    });
    if (changed.length) await this.bus.publish({ type: 'directory.changed', ids: changed, origin: this.nodeId });
    return result;
  }

  /** Re-derives the entry of one account (after a change made outside the account service). */
  async syncAccount(accountId: number): Promise<void> {
    const a = await this.store.accounts.byId(accountId);
    if (!a) return;
    await this.store.transaction((tx) => syncAccountEntry(tx.directory, a));
    await this.refreshKey(accountSourceKey(accountId));
  }

  async search(viewer: Viewer, q: SearchQuery): Promise<SearchResult> {
    const started = performance.now();
    if (!this.loaded) await this.start();
    const limit = Math.max(1, Math.min(q.limit ?? 20, MAX_PAGE));
    const offset = Math.max(0, q.offset ?? 0);
    let scope: ReadonlySet<number> | undefined;
    if (q.scope) {
      const root = this.orgBySlug.get(q.scope.toLowerCase()) ?? this.orgByCode.get(q.scope);
      if (!root) throw notFound(`organisation "${q.scope}" does not exist`);
      scope = this.subtreeSet(root.id);
    }
    const viewerTenant = viewer.orgId === null ? null : this.tenantOf(viewer.orgId);
    const own = viewerTenant === null || q.ownFirst === false ? NO_ORGS : this.subtreeSet(viewerTenant);
    const { total, ids, next } = this.index.search({
      text: q.text ?? '',
      ...(scope ? { orgs: scope } : {}),
      mayViewOrg: (orgId) => !!viewer.national || (orgId !== null && viewerTenant !== null && this.tenantOf(orgId) === viewerTenant),
      ownOrgs: own,
      ...(q.kind ? { kind: q.kind } : {}),
      ...(q.role ? { role: q.role } : {}),
      ...(q.specialty ? { specialty: q.specialty } : {}),
      ...(q.site ? { site: q.site } : {}),
      ...(q.nameStarts ? { nameStarts: q.nameStarts } : {}),
      ...(q.exactTotal === false ? { exactTotal: false } : {}),
      ...(q.typos === false ? { typos: false } : {}),
      ...(q.wholeWords?.length ? { wholeWords: q.wholeWords.flatMap(queryTokens) } : {}),
      ...(q.ranked === false ? { ranked: false, from: q.from ?? 0 } : {}),
      offset,
      limit,
    });
    const entries = await this.entries(ids);
    return { total, entries, ...(next !== undefined ? { next } : {}), tookMs: performance.now() - started };
  }

  /**
   * The viewer's organisation address book: every visible person, shared mailbox and list of the
   * viewer's organisation (its trust or practice, with sites and departments), for clients that
   * sync a whole address book (CardDAV). `since` (ms) limits it to entries written since then;
   * `removed` then lists entries of the organisation that left it (made hidden). An entry moved to
   * another organisation is not reported as removed (no history is kept): a full sync drops it.
   */
  async addressBook(viewer: Viewer, since?: number): Promise<{ entries: DirectoryEntry[]; removed: number[]; asOf: number }> {
    if (!this.loaded) await this.start();
    const asOf = Date.now();
    if (viewer.orgId === null) return { entries: [], removed: [], asOf };
    const tenant = this.tenantOf(viewer.orgId);
    const inBook = (r: DirectoryEntryRow) =>
      r.org_id !== null && this.tenantOf(Number(r.org_id)) === tenant && ['person', 'shared-mailbox', 'list'].includes(r.kind) && r.visibility !== 'hidden';
    if (since === undefined) {
      const { ids } = this.index.search({ text: '', orgs: new Set(this.subtree(tenant)), mayViewOrg: () => true, ownOrgs: new Set(), offset: 0, limit: 1_000_000 });
      const rows = await this.rowsOf(ids);
      return { entries: rows.filter(inBook).map((r) => this.toEntry(r)), removed: [], asOf };
    }
    const entries: DirectoryEntry[] = [];
    const removed: number[] = [];
    for await (const r of this.changedRows(since - 2000)) {
      if (inBook(r)) entries.push(this.toEntry(r));
      else if (r.org_id !== null && this.tenantOf(Number(r.org_id)) === tenant) removed.push(Number(r.id));
    }
    return { entries, removed, asOf };
  }

  /** One entry, if the viewer may see it (hidden entries are never shown). */
  async get(viewer: Viewer, id: number): Promise<DirectoryEntry> {
    const [entry] = await this.entries([id]);
    if (!entry || !this.visibleTo(viewer, entry)) throw notFound(`no directory entry ${id}`);
    return entry;
  }

  /**
   * Sets (data) or removes (null) an entry's photo, JPEG or PNG (see photo.ts). The caller has
   * been authorised (AdminPolicy.assertMayEditEntry). Returns the entry as it is now.
   */
  async setPhoto(id: number, data: Buffer | null): Promise<DirectoryEntry> {
    const photo = data ? { ...checkPhoto(data), data } : null;
    const row = await this.store.transaction((tx) => tx.directory.setPhoto(id, photo));
    if (!row) throw notFound(`no directory entry ${id}`);
    this.indexedVersions.set(id, Number(row.updated_at));
    this.cache.drop(id);
    await this.bus.publish({ type: 'directory.changed', ids: [id], origin: this.nodeId });
    return this.toEntry(row);
  }

  /** An entry's photo, if the viewer may see the entry and it has one. */
  async photo(viewer: Viewer, id: number): Promise<DirectoryPhoto & { etag: string }> {
    const entry = await this.get(viewer, id);
    const photo = entry.photo === null ? undefined : await this.store.directory.photo(id);
    if (!photo) throw notFound(`directory entry ${id} has no photo`);
    return { ...photo, etag: entry.photo! };
  }

  /** The organisation tree, for browsing; every node can scope a search. */
  async tree(): Promise<{ id: number; slug: string; name: string; kind: string; parentId: number | null; nationalCode: string | null }[]> {
    await this.refreshOrgs();
    return [...this.orgs.values()].map((o) => ({ id: o.id, slug: o.slug, name: o.name, kind: o.kind, parentId: o.parent_id === null ? null : Number(o.parent_id), nationalCode: o.national_code }));
  }

  /** Ensures every organisation of the tree has its directory entry (cheap when they all do). */
  async syncOrganisations(): Promise<void> {
    await this.refreshOrgs();
    await this.upsert([...this.orgs.values()].map(orgRecord));
  }

  private visibleTo(viewer: Viewer, e: DirectoryEntry): boolean {
    const v = e.visibility;
    if (v === 'hidden') return false;
    if (v === 'national' || viewer.national) return true;
    if (viewer.orgId === null || e.org === null) return false;
    return this.tenantOf(viewer.orgId) === this.tenantOf(e.org.id);
  }

  /** The organisation an entry "belongs to" for visibility: the nearest non-unit at or above it. */
  private tenantOf(orgId: number): number {
    let t = this.tenants.get(orgId);
    if (t === undefined) this.tenants.set(orgId, (t = this.findTenant(orgId)));
    return t;
  }

  private subtreeSet(orgId: number): ReadonlySet<number> {
    let set = this.subtrees.get(orgId);
    if (!set) this.subtrees.set(orgId, (set = new Set(this.subtree(orgId))));
    return set;
  }

  private findTenant(orgId: number): number {
    let id = orgId;
    for (let guard = 0; guard < 64; guard++) {
      const o = this.orgs.get(id);
      if (!o || !UNIT_KINDS.has(o.kind) || o.parent_id === null) return id;
      id = Number(o.parent_id);
    }
    return id;
  }

  private subtree(orgId: number): number[] {
    const out: number[] = [];
    const stack = [orgId];
    while (stack.length) {
      const id = stack.pop()!;
      out.push(id);
      stack.push(...(this.children.get(id) ?? []));
    }
    return out;
  }

  private async refreshOrgs(): Promise<void> {
    const rows = await this.store.orgs.list();
    // Entries carry their organisation's slug and name: cached ones go when any of those changed.
    if (rows.length !== this.orgs.size || rows.some((o) => { const was = this.orgs.get(o.id); return !was || was.slug !== o.slug || was.name !== o.name; })) this.cache.clear();
    this.orgs = new Map(rows.map((o) => [o.id, o]));
    this.orgBySlug = new Map(rows.map((o) => [o.slug, o]));
    this.orgByCode = new Map();
    for (const o of rows) if (o.national_code !== null && !this.orgByCode.has(o.national_code)) this.orgByCode.set(o.national_code, o);
    this.subtrees = new Map();
    this.tenants = new Map();
    this.children = new Map();
    for (const o of rows) {
      if (o.parent_id === null) continue;
      const p = Number(o.parent_id);
      this.children.set(p, [...(this.children.get(p) ?? []), o.id]);
    }
  }

  /** Rows of many entries, read a bounded number at a time (one query each). */
  private async rowsOf(ids: readonly number[]): Promise<DirectoryEntryRow[]> {
    const rows: DirectoryEntryRow[] = [];
    for (let i = 0; i < ids.length; i += 500) rows.push(...(await this.store.directory.byIds(ids.slice(i, i + 500))));
    return rows;
  }

  /** Entries by id, in the order asked, through the entry cache (shared objects: never mutated). */
  private entries(ids: readonly number[]): Promise<DirectoryEntry[]> {
    return this.cache.read(ids, async (missing) => (await this.store.directory.byIds(missing)).map((r) => this.toEntry(r)));
  }

  /** Brings the index (and the row cache) up to date with one row. */
  private reindex(r: DirectoryIndexRow): void {
    this.cache.drop(Number(r.id));
    this.index.put(this.indexed(r));
    this.noteIndexed(r);
  }

  /** Remembers the version just indexed when the next catch-up will read it again (see indexedVersions). */
  private noteIndexed(r: DirectoryIndexRow): void {
    if (Number(r.updated_at) >= this.caughtUpTo - CATCH_UP_MARGIN_MS) this.indexedVersions.set(Number(r.id), Number(r.updated_at));
  }

  private async refreshKey(sourceKey: string): Promise<void> {
    const row = await this.store.directory.bySourceKey(sourceKey);
    if (row) this.reindex(row);
  }

  private async refreshIds(ids: number[]): Promise<void> {
    for (const id of ids) this.cache.drop(id);
    const rows = await this.store.directory.byIds(ids);
    const present = new Set(rows.map((r) => Number(r.id)));
    for (const r of rows) this.reindex(r);
    for (const id of ids) if (!present.has(id)) this.index.remove(id);
  }

  private indexed(r: DirectoryIndexRow): IndexedEntry {
    return {
      id: Number(r.id),
      kind: r.kind as EntryKind,
      orgId: r.org_id === null ? null : Number(r.org_id),
      visibility: r.visibility as Visibility,
      names: [r.display_name, r.given_name, r.family_name].join(' '),
      display: r.display_name,
      family: r.family_name,
      // The email address's local part without its digits (mailWords): the unique numbers many
      // local parts carry would bloat the index (a million distinct words) for no useful match,
      // and the words that repeat the name are not posted twice.
      other: [r.job_title, r.role, r.specialty, r.department, r.site, r.national_code, mailWords(r.email)].filter(Boolean).join(' '),
      role: r.role,
      specialty: r.specialty,
      site: r.site,
    };
  }

  private toEntry(r: DirectoryEntryRow): DirectoryEntry {
    const o = r.org_id === null ? undefined : this.orgs.get(Number(r.org_id));
    return rowToEntry(r, o ? { id: o.id, slug: o.slug, name: o.name } : null);
  }
}

/** Rows written at or after `since` (ms), read in pages in (updated_at, id) order with `page`. */
async function* written<T extends { id: number | string; updated_at: number | string }>(
  since: number,
  page: (at: number, afterId: number, limit: number) => Promise<T[]>,
): AsyncGenerator<T> {
  let at = since - 1;
  let afterId = Number.MAX_SAFE_INTEGER;
  for (;;) {
    const rows = await page(at, afterId, 5000);
    yield* rows;
    if (rows.length < 5000) return;
    const last = rows[rows.length - 1]!;
    at = Number(last.updated_at);
    afterId = Number(last.id);
  }
}
