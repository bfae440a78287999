/**
 * What a search base and scope cover in this directory's tree: the fixed entries (the domain, the
 * two containers, one person or organisation) and which directory entries ("region") fall under it.
 * People live flat under ou=people and organisations flat under ou=organisations; an organisation's
 * DN also scopes its people and sub-organisations (one level: its own; subtree: everything beneath).
 */
import type { DirectoryEntry } from '../../core/directory/types.js';
import { isWardpostError } from '../../core/errors.js';
import type { Identity, LdapContext } from './context.js';
import { containerEntry, domainEntry, isOrgEntry, type BaseTarget, type LdapEntry, type OrgNode } from './entries.js';
import type { Scope } from './proto/messages.js';

export interface OrgTree {
  /** LDAP forms of organisation entries made with this tree (search.ts). */
  entries: WeakMap<DirectoryEntry, LdapEntry>;
  bySlug: Map<string, OrgNode>;
  byId: Map<number, OrgNode>;
  within(inner: string, outer: string): boolean;
  named(value: string): string[];
}

const TREE_TTL_MS = 30_000;

/** The organisation tree, read at most every 30 s (and after each organisation created). */
export function loadTree(ctx: LdapContext): Promise<OrgTree> {
  if (!ctx.tree || Date.now() - ctx.tree.at > TREE_TTL_MS) {
    const value = readTree(ctx);
    ctx.tree = { at: Date.now(), value };
    value.catch(() => {
      if (ctx.tree?.value === value) ctx.tree = null;
    });
  }
  return ctx.tree.value;
}

async function readTree(ctx: LdapContext): Promise<OrgTree> {
  const nodes = await ctx.services.directory.tree();
  const bySlug = new Map(nodes.map((n) => [n.slug, n]));
  const byId = new Map(nodes.map((n) => [n.id, n]));
  const norm = (v: string) => v.trim().replace(/\s+/g, ' ').toLowerCase();
  return {
    entries: new WeakMap(),
    bySlug,
    byId,
    within(inner, outer) {
      let n = bySlug.get(inner);
      const target = bySlug.get(outer)?.id;
      for (let guard = 0; n && guard < 64; guard++) {
        if (n.id === target) return true;
        n = n.parentId === null ? undefined : byId.get(n.parentId);
      }
      return false;
    },
    named(value) {
      const v = norm(value);
      return nodes.filter((n) => n.slug === v || norm(n.name) === v).map((n) => n.slug);
    },
  };
}

/** Directory entries a search may return, beside its fixed entries. */
export interface Region {
  scopeSlug?: string;
  /** Entry kinds the region holds, when that narrows the directory searches (organisations). */
  kinds?: DirectoryEntry['kind'][];
  member(e: DirectoryEntry): boolean;
}

export type ScopeResult =
  | { ok: true; fixed: (LdapEntry | DirectoryEntry)[]; region: Region | null }
  | { ok: false; matchedDN: string; message: string };

const ORG_ENTRY_KIND: Record<string, 'site' | 'department'> = { site: 'site', department: 'department' };

/** The directory entry of an organisation, if the viewer may see it. */
export async function orgDirectoryEntry(ctx: LdapContext, id: Identity, node: OrgNode): Promise<DirectoryEntry | null> {
  const kind = ORG_ENTRY_KIND[node.kind] ?? 'organisation';
  for (let offset = 0; offset < 5000; offset += 200) {
    const r = await ctx.services.directory.search(id.viewer!, { scope: node.slug, kind, limit: 200, offset });
    const hit = r.entries.find((e) => e.org?.id === node.id);
    if (hit) return hit;
    if (offset + 200 >= r.total) break;
  }
  return null;
}

async function personById(ctx: LdapContext, id: Identity, entryId: number): Promise<DirectoryEntry | null> {
  try {
    const e = await ctx.services.directory.get(id.viewer!, entryId);
    return isOrgEntry(e) ? null : e;
  } catch (err) {
    if (isWardpostError(err, 'not_found')) return null;
    throw err;
  }
}

/** Resolves base + scope for a bound identity (the root DSE is handled before this). */
export async function resolveScope(ctx: LdapContext, id: Identity, target: BaseTarget, scope: Scope, tree: OrgTree): Promise<ScopeResult> {
  const { dit } = ctx;
  const all: Region = { member: () => true };
  const people: Region = { member: (e) => !isOrgEntry(e) };
  const orgs: Region = { kinds: ['organisation', 'site', 'department'], member: (e) => isOrgEntry(e) };
  const peopleOu = containerEntry(dit, 'people');
  const orgsOu = containerEntry(dit, 'organisations');
  switch (target.kind) {
    case 'none':
      return { ok: false, matchedDN: target.matchedDN, message: 'no such entry in this directory' };
    case 'root':
    case 'domain': {
      const domain = domainEntry(dit);
      if (target.kind === 'root' && scope === 'one') return { ok: true, fixed: [domain], region: null };
      if (scope === 'base') return { ok: true, fixed: [domain], region: null };
      if (scope === 'one') return { ok: true, fixed: [peopleOu, orgsOu], region: null };
      return { ok: true, fixed: scope === 'sub' || target.kind === 'root' ? [domain, peopleOu, orgsOu] : [peopleOu, orgsOu], region: all };
    }
    case 'people':
    case 'orgs': {
      const ou = target.kind === 'people' ? peopleOu : orgsOu;
      const region = target.kind === 'people' ? people : orgs;
      if (scope === 'base') return { ok: true, fixed: [ou], region: null };
      return { ok: true, fixed: scope === 'sub' ? [ou] : [], region };
    }
    case 'person': {
      const e = await personById(ctx, id, target.id);
      if (!e) return { ok: false, matchedDN: dit.peopleDn, message: `no entry uid=${target.id} visible to you` };
      return { ok: true, fixed: scope === 'base' || scope === 'sub' ? [e] : [], region: null };
    }
    case 'org': {
      const node = tree.bySlug.get(target.slug);
      const e = node ? await orgDirectoryEntry(ctx, id, node) : null;
      if (!node || !e) return { ok: false, matchedDN: dit.orgsDn, message: `no organisation o=${target.slug} visible to you` };
      if (scope === 'base') return { ok: true, fixed: [e], region: null };
      if (scope === 'one') {
        const region: Region = {
          scopeSlug: node.slug,
          member: (x) => (isOrgEntry(x) ? tree.bySlug.get(x.org!.slug)?.parentId === node.id : x.org?.id === node.id),
        };
        return { ok: true, fixed: [], region };
      }
      return { ok: true, fixed: scope === 'sub' ? [e] : [], region: { scopeSlug: node.slug, member: (x) => x.id !== e.id } };
    }
  }
}
