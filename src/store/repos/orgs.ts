import type { Kysely } from 'kysely';
import type { Database, OrgRow } from '../schema/tables.js';
import type { NewOrg, OrgRepo } from '../types.js';

export class KyselyOrgRepo implements OrgRepo {
  constructor(private readonly db: Kysely<Database>) {}

  async insert(org: NewOrg, domains: string[]): Promise<OrgRow> {
    const now = Date.now();
    const row = await this.db
      .insertInto('orgs')
      .values({ slug: org.slug, name: org.name, parent_id: org.parentId, kind: org.kind, national_code: org.nationalCode, status: 'active', created_at: now })
      .returningAll()
      .executeTakeFirstOrThrow();
    for (const domain of domains) {
      await this.db.insertInto('org_domains').values({ domain, org_id: row.id, created_at: now }).execute();
    }
    return row;
  }

  byId(id: number) {
    return this.db.selectFrom('orgs').selectAll().where('id', '=', id).executeTakeFirst();
  }

  bySlug(slug: string) {
    return this.db.selectFrom('orgs').selectAll().where('slug', '=', slug).executeTakeFirst();
  }

  list() {
    return this.db.selectFrom('orgs').selectAll().orderBy('slug').execute();
  }

  async domains(orgId: number) {
    const rows = await this.db.selectFrom('org_domains').select('domain').where('org_id', '=', orgId).orderBy('domain').execute();
    return rows.map((r) => r.domain);
  }

  async allDomains() {
    const rows = await this.db.selectFrom('org_domains').select(['domain', 'org_id']).execute();
    return rows.map((r) => ({ domain: r.domain, orgId: r.org_id }));
  }

  async domainOwner(domain: string) {
    const row = await this.db.selectFrom('org_domains').select('org_id').where('domain', '=', domain).executeTakeFirst();
    return row?.org_id;
  }
}
