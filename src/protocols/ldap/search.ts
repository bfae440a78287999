/**
 * The search operation (RFC 4511 section 4.5) over the national directory: base and scope
 * resolved against the tree, the filter planned into directory searches (search-plan), every
 * candidate checked against the whole filter, then sizeLimit, the server's limits and the paged
 * results control (RFC 2696) applied. Visibility is the directory service's: the viewer is the
 * bound account.
 */
import type { DirectoryEntry } from '../../core/directory/types.js';
import { isWardpostError } from '../../core/errors.js';
import type { Identity, LdapContext } from './context.js';
import { isOrgEntry, orgEntry, personEntry, rootDse, type LdapEntry } from './entries.js';
import { evaluate } from './filter-eval.js';
import { indexWords, planFilter, withBaseScope, type Candidates } from './filter-plan.js';
import { PagingCookies } from './paging.js';
import { DnError } from './proto/dn.js';
import { filterToString } from './proto/filter.js';
import { PAGED_RESULTS_OID, decodePagedControl, type Control, type SearchRequest } from './proto/messages.js';
import { RESULT, pagedResponseControl, type LdapResult } from './proto/responses.js';
import { loadTree, resolveScope, type OrgTree, type Region } from './search-scope.js';
import { encodeAttribute, selection, type Selection } from './encoded.js';
import { compactEntry } from './encoded-attributes.js';

export interface SearchOutcome {
  entries: LdapEntry[];
  /** The attributes to send of each entry. */
  selection: Selection;
  result: LdapResult;
  controls: Control[];
  /** Per entry, encoded attributes beyond its own (jpegPhoto, read only when asked for). */
  extras?: Map<LdapEntry, Buffer>;
}

/** Set by an AbandonRequest; checked between pages. */
export interface AbortFlag {
  aborted: boolean;
}

const PAGE = 200;

class Abandoned extends Error {}

/** The jpegPhoto of each entry of a page that has one, when the selection asks for it (RFC 2798 section 2.6). */
async function photos(ctx: LdapContext, id: Identity, page: readonly LdapEntry[], sel: Selection): Promise<{ extras?: Map<LdapEntry, Buffer> }> {
  if (sel.typesOnly || !(sel.all || sel.wanted.has('jpegphoto'))) return {};
  const extras = new Map<LdapEntry, Buffer>();
  for (const e of page) {
    if (e.photoOf === undefined) continue;
    try {
      extras.set(e, encodeAttribute('jpegPhoto', [(await ctx.services.directory.photo(id.viewer!, e.photoOf)).data]));
    } catch (err) {
      if (!isWardpostError(err, 'not_found')) throw err; // removed meanwhile: sent without
    }
  }
  return { extras };
}

interface Collector {
  matches: LdapEntry[];
  need: number;
  examined: number;
  /** Set when a server limit stopped the walk early. */
  stopped: LdapResult | null;
}

function pagedControl(controls: readonly Control[]): { size: number; cookie: Buffer } | null | 'bad' {
  const c = controls.find((x) => x.oid === PAGED_RESULTS_OID);
  if (!c) return null;
  try {
    return decodePagedControl(c.value);
  } catch {
    return 'bad';
  }
}

export async function search(ctx: LdapContext, id: Identity, req: SearchRequest, controls: readonly Control[], abort: AbortFlag): Promise<SearchOutcome> {
  const sel = selection(req.attributes, req.typesOnly);
  const done = (code: number, message = '', matchedDN = ''): SearchOutcome => ({ entries: [], selection: sel, result: { code, message, matchedDN }, controls: [] });
  const paged = pagedControl(controls);
  if (paged === 'bad') return done(RESULT.protocolError, 'malformed paged results control');

  let target;
  try {
    target = ctx.dit.target(req.base);
  } catch (err) {
    if (err instanceof DnError) return done(RESULT.invalidDNSyntax, err.message);
    throw err;
  }
  if (target.kind === 'root' && req.scope === 'base') {
    const dse = rootDse(ctx.dit, ctx.secureContext !== null);
    const hit = evaluate(req.filter, dse) === true;
    return { entries: hit ? [dse] : [], selection: selection(req.attributes, req.typesOnly, true), result: { code: RESULT.success }, controls: [] };
  }
  if (!id.viewer) return done(RESULT.insufficientAccessRights, 'bind with your address and password first: the directory is not open to anonymous searches');

  const limits = ctx.limits;
  // Only a paged search needs its fingerprint (hashing the filter's text is not free).
  const fingerprint = paged ? PagingCookies.fingerprint([id.viewer.accountId, req.base.toLowerCase(), req.scope, filterToString(req.filter), req.sizeLimit]) : '';
  let offset = 0;
  let pageSize = 0;
  let cap: number;
  if (paged) {
    const o = ctx.cookies.read(paged.cookie, fingerprint);
    if (o === null) return done(RESULT.unwillingToPerform, 'paged results cookie is not valid for this search');
    offset = o;
    // A page size of 0 abandons the paged search (RFC 2696 section 3).
    if (paged.size === 0) return { entries: [], selection: sel, result: { code: RESULT.success }, controls: [pagedResponseControl(0, Buffer.alloc(0))] };
    pageSize = Math.min(paged.size, limits.maxPageSize);
    cap = Math.min(req.sizeLimit || Infinity, limits.maxPagedTotal);
  } else {
    cap = Math.min(req.sizeLimit || Infinity, limits.maxEntries);
  }
  const end = paged ? Math.min(offset + pageSize, cap) : cap;
  const deadline = Date.now() + Math.min(req.timeLimit ? req.timeLimit * 1000 : Infinity, limits.maxSearchMs);

  const tree = await loadTree(ctx);
  const scope = await resolveScope(ctx, id, target, req.scope, tree);
  if (!scope.ok) return done(RESULT.noSuchObject, scope.message, scope.matchedDN);

  const col: Collector = { matches: [], need: end + 1, examined: 0, stopped: null };
  const seen = new Set<number>();
  // Directory entries are shared objects, one per row version (see core's EntryCache): their LDAP
  // forms (with normalised values and BER, filled on first use) are kept beside them. People's
  // depend on the entry alone; organisations' also on the tree, so they are kept with the tree.
  const toLdap = (e: DirectoryEntry): LdapEntry => {
    const org = isOrgEntry(e);
    const memo = org ? tree.entries : ctx.entries;
    let le = memo.get(e);
    if (le) return le;
    if (!org) le = personEntry(ctx.dit, e);
    else {
      const node = tree.bySlug.get(e.org!.slug);
      le = orgEntry(ctx.dit, e, node, node?.parentId == null ? undefined : tree.byId.get(node.parentId));
    }
    // Kept as long as core keeps the entry: compacted to its encoding (encoded-attributes.ts).
    memo.set(e, compactEntry(le));
    return le;
  };
  const consider = (entry: LdapEntry) => {
    if (col.matches.length < col.need && evaluate(req.filter, entry) === true) col.matches.push(entry);
  };
  try {
    for (const f of scope.fixed) {
      if ('dn' in f) consider(f);
      else if (!seen.has(f.id)) {
        seen.add(f.id);
        consider(toLdap(f));
      }
    }
    if (scope.region) await walkRegion(ctx, id, req, scope.region, tree, col, seen, toLdap, consider, deadline, abort);
  } catch (err) {
    if (err instanceof Abandoned) return done(RESULT.other, 'abandoned');
    throw err;
  }

  const more = col.matches.length > end;
  const page = col.matches.slice(offset, end);
  let result: LdapResult = { code: RESULT.success };
  if (col.stopped) result = col.stopped;
  else if (more && end === cap) result = { code: RESULT.sizeLimitExceeded, message: req.sizeLimit && req.sizeLimit <= (paged ? limits.maxPagedTotal : limits.maxEntries) ? 'size limit reached' : `the server returns at most ${cap} entries per search: narrow the filter` };
  const out: Control[] = [];
  if (paged) out.push(pagedResponseControl(0, more && end < cap && !col.stopped ? ctx.cookies.issue(end, fingerprint) : Buffer.alloc(0)));
  return { entries: page, selection: sel, result, controls: out, ...(await photos(ctx, id, page, sel)) };
}

async function walkRegion(
  ctx: LdapContext,
  id: Identity,
  req: SearchRequest,
  region: Region,
  tree: OrgTree,
  col: Collector,
  seen: Set<number>,
  toLdap: (e: DirectoryEntry) => LdapEntry,
  consider: (e: LdapEntry) => void,
  deadline: number,
  abort: AbortFlag,
): Promise<void> {
  const ctxPlan = { orgsNamed: (v: string) => tree.named(v), within: (a: string, b: string) => tree.within(a, b) };
  const candidates: Candidates[] = withBaseScope(planFilter(req.filter, ctxPlan), region.scopeSlug, ctxPlan);
  const take = (e: DirectoryEntry) => {
    if (seen.has(e.id)) return;
    seen.add(e.id);
    if (region.member(e)) consider(toLdap(e));
  };
  const kinds: (DirectoryEntry['kind'] | undefined)[] = region.kinds ?? [undefined];
  for (const [c, kind] of candidates.flatMap((c) => kinds.map((k) => [c, k] as const))) {
    if (c.id !== undefined) {
      try {
        take(await ctx.services.directory.get(id.viewer!, c.id));
      } catch (err) {
        if (!isWardpostError(err, 'not_found')) throw err;
      }
      continue;
    }
    // The first page asks for about what is still needed (most filters keep most candidates, and
    // the index has already checked the start of the names the filter tests: see Candidates.starts);
    // later pages double, up to the directory's largest page. LDAP does not rank: the index's own
    // order lets each page continue where the last stopped (from/next) without re-reading any.
    let size = Math.min(PAGE, Math.max(16, col.need - col.matches.length + 2));
    const { words, whole } = indexWords(c);
    for (let from: number | undefined = 0; from !== undefined; size = Math.min(PAGE, size * 2)) {
      if (abort.aborted) throw new Abandoned();
      if (col.matches.length >= col.need) return;
      if (Date.now() > deadline) {
        col.stopped = { code: RESULT.timeLimitExceeded, message: 'time limit reached' };
        return;
      }
      if (col.examined >= ctx.limits.maxCandidates) {
        col.stopped = { code: RESULT.adminLimitExceeded, message: `the filter needs more than ${ctx.limits.maxCandidates} entries examined: add a name or an organisation` };
        return;
      }
      let r;
      try {
        r = await ctx.services.directory.search(id.viewer!, {
          text: words.join(' '),
          ...(whole.length ? { wholeWords: whole } : {}),
          ...(c.scope ? { scope: c.scope } : {}),
          ...(kind ? { kind } : {}),
          ...(c.starts ? { nameStarts: c.starts } : {}),
          ownFirst: false,
          exactTotal: false,
          typos: false,
          ranked: false,
          from,
          limit: size,
        });
      } catch (err) {
        if (isWardpostError(err, 'not_found')) break; // the organisation went away meanwhile
        throw err;
      }
      col.examined += r.entries.length;
      for (const e of r.entries) take(e);
      from = r.next;
    }
    if (col.matches.length >= col.need) return;
  }
}
