/**
 * Organisations: the tenant tree (region > trust > site > department; practices, pharmacies and
 * other outside bodies as leaves), each with optional mail domains of its own.
 */
import type { Actor } from '../actor.js';
import { normaliseDomain } from '../addresses.js';
import { audit } from '../audit/audit-log.js';
import { orgRecord } from '../directory/records.js';
import { conflict, invalid, notFound } from '../errors.js';
import type { EventBus } from '../events/bus.js';
import type { OrgRow, Store } from '../../store/types.js';
import { OrgTree } from './org-tree.js';

export const ORG_KINDS = ['region', 'trust', 'site', 'department', 'practice', 'pharmacy', 'dentist', 'optician', 'council', 'organisation'] as const;
export type OrgKind = (typeof ORG_KINDS)[number];

const SLUG = /^[a-z0-9](?:[a-z0-9-]{0,62}[a-z0-9])?$/;

export interface Org {
  id: number;
  slug: string;
  name: string;
  kind: string;
  parentId: number | null;
  parentSlug: string | null;
  nationalCode: string | null;
  status: string;
  domains: string[];
  createdAt: string;
}

export interface CreateOrgInput {
  slug: string;
  name: string;
  parent?: string | null;
  domains?: string[];
  kind?: string;
  nationalCode?: string | null;
}

export class OrgService {
  /** The tree in memory, for scope checks on every request (see org-tree.ts). */
  readonly tree: OrgTree;

  constructor(
    private readonly store: Store,
    private readonly bus: EventBus,
    private readonly nationalDomain: string,
  ) {
    this.tree = new OrgTree(store);
    bus.subscribe('org.created', () => this.tree.invalidate());
  }

  async create(input: CreateOrgInput, actor: Actor): Promise<Org> {
    const slug = input.slug.trim().toLowerCase();
    if (!SLUG.test(slug)) throw invalid(`"${input.slug}" is not a valid organisation slug (lower-case letters, digits and hyphens, up to 64)`);
    const name = input.name.trim();
    if (!name) throw invalid('an organisation needs a name (--name "Royal Example Hospital")');
    const kind = input.kind ?? 'organisation';
    if (!(ORG_KINDS as readonly string[]).includes(kind)) throw invalid(`unknown organisation kind "${kind}" (one of: ${ORG_KINDS.join(', ')})`);
    const domains = [...new Set((input.domains ?? []).map(normaliseDomain))];
    for (const d of domains) {
      if (d === this.nationalDomain || d.endsWith(`.${this.nationalDomain}`)) throw invalid(`${d} belongs to the national domain and cannot be an organisation's own domain`);
    }
    const row = await this.store.transaction(async (tx) => {
      if (await tx.orgs.bySlug(slug)) throw conflict(`an organisation with slug "${slug}" already exists`);
      let parentId: number | null = null;
      if (input.parent) {
        const parent = await tx.orgs.bySlug(input.parent.toLowerCase());
        if (!parent) throw notFound(`parent organisation "${input.parent}" does not exist (see: wardpost org list)`);
        parentId = parent.id;
      }
      for (const d of domains) {
        if ((await tx.orgs.domainOwner(d)) !== undefined) throw conflict(`domain ${d} already belongs to another organisation`);
      }
      const created = await tx.orgs.insert({ slug, name, parentId, kind, nationalCode: input.nationalCode ?? null }, domains);
      await tx.directory.upsertMany([orgRecord(created)]);
      await audit(tx, actor, { action: 'org.create', target: slug, orgId: created.id, detail: { name, parent: input.parent ?? null, domains, kind } });
      return created;
    });
    this.tree.invalidate();
    await this.bus.publish({ type: 'org.created', orgId: row.id, slug });
    return this.toOrg(row, domains, input.parent ?? null);
  }

  async get(slug: string): Promise<Org> {
    const row = await this.store.orgs.bySlug(slug.toLowerCase());
    if (!row) throw notFound(`organisation "${slug}" does not exist (see: wardpost org list)`);
    return this.describe(row);
  }

  async byId(id: number): Promise<Org> {
    const row = await this.store.orgs.byId(id);
    if (!row) throw notFound(`organisation #${id} does not exist`);
    return this.describe(row);
  }

  async list(): Promise<Org[]> {
    const rows = await this.store.orgs.list();
    const bySlug = new Map(rows.map((r) => [r.id, r.slug]));
    const domains = await this.store.orgs.allDomains();
    return rows.map((r) =>
      this.toOrg(
        r,
        domains.filter((d) => d.orgId === r.id).map((d) => d.domain).sort(),
        r.parent_id === null ? null : (bySlug.get(r.parent_id) ?? null),
      ),
    );
  }

  /** The ids of an organisation and everything beneath it (for admin scope and directory search). */
  subtreeIds(orgId: number): Promise<number[]> {
    return this.tree.subtree(orgId);
  }

  /** The organisation and every one above it, nearest first (whose webhooks hear of its accounts). */
  ancestorIds(orgId: number): Promise<number[]> {
    return this.tree.ancestry(orgId);
  }

  private async describe(row: OrgRow): Promise<Org> {
    const parent = row.parent_id === null ? undefined : await this.store.orgs.byId(row.parent_id);
    return this.toOrg(row, await this.store.orgs.domains(row.id), parent?.slug ?? null);
  }

  private toOrg(row: OrgRow, domains: string[], parentSlug: string | null): Org {
    return {
      id: row.id,
      slug: row.slug,
      name: row.name,
      kind: row.kind,
      parentId: row.parent_id,
      parentSlug,
      nationalCode: row.national_code,
      status: row.status,
      domains,
      createdAt: new Date(Number(row.created_at)).toISOString(),
    };
  }
}
