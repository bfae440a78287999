import type { Kysely } from 'kysely';
import type { Database } from '../schema/tables.js';
import type { AclEntry, SharingRepo } from '../types.js';

const toEntry = (r: { mailbox_id: number; grantee_account_id: number; rights: string }): AclEntry => ({
  mailboxId: Number(r.mailbox_id),
  granteeAccountId: Number(r.grantee_account_id),
  rights: r.rights,
});

export class KyselySharingRepo implements SharingRepo {
  constructor(private readonly db: Kysely<Database>) {}

  async setAcl(mailboxId: number, granteeAccountId: number, rights: string) {
    if (!rights) {
      await this.db.deleteFrom('mailbox_acl').where('mailbox_id', '=', mailboxId).where('grantee_account_id', '=', granteeAccountId).execute();
      return;
    }
    await this.db
      .insertInto('mailbox_acl')
      .values({ mailbox_id: mailboxId, grantee_account_id: granteeAccountId, rights, created_at: Date.now() })
      .onConflict((oc) => oc.columns(['mailbox_id', 'grantee_account_id']).doUpdateSet({ rights }))
      .execute();
  }

  async acl(mailboxId: number) {
    const rows = await this.db.selectFrom('mailbox_acl').selectAll().where('mailbox_id', '=', mailboxId).orderBy('grantee_account_id').execute();
    return rows.map(toEntry);
  }

  async aclFor(mailboxId: number, granteeAccountId: number) {
    const row = await this.db.selectFrom('mailbox_acl').select('rights').where('mailbox_id', '=', mailboxId).where('grantee_account_id', '=', granteeAccountId).executeTakeFirst();
    return row?.rights;
  }

  async grantsTo(granteeAccountId: number) {
    const rows = await this.db.selectFrom('mailbox_acl').selectAll().where('grantee_account_id', '=', granteeAccountId).orderBy('mailbox_id').execute();
    return rows.map(toEntry);
  }

  async addSendGrant(ownerAccountId: number, granteeAccountId: number, mode: string) {
    await this.db
      .insertInto('send_grants')
      .values({ owner_account_id: ownerAccountId, grantee_account_id: granteeAccountId, mode, created_at: Date.now() })
      .onConflict((oc) => oc.columns(['owner_account_id', 'grantee_account_id', 'mode']).doNothing())
      .execute();
  }

  async removeSendGrant(ownerAccountId: number, granteeAccountId: number, mode: string) {
    await this.db
      .deleteFrom('send_grants')
      .where('owner_account_id', '=', ownerAccountId)
      .where('grantee_account_id', '=', granteeAccountId)
      .where('mode', '=', mode)
      .execute();
  }

  async sendGrantsTo(granteeAccountId: number) {
    const rows = await this.db.selectFrom('send_grants').select(['owner_account_id', 'mode']).where('grantee_account_id', '=', granteeAccountId).execute();
    return rows.map((r) => ({ ownerAccountId: Number(r.owner_account_id), mode: r.mode }));
  }

  async sendGrantsOf(ownerAccountId: number) {
    const rows = await this.db.selectFrom('send_grants').select(['grantee_account_id', 'mode']).where('owner_account_id', '=', ownerAccountId).execute();
    return rows.map((r) => ({ granteeAccountId: Number(r.grantee_account_id), mode: r.mode }));
  }

  async aclOfOwner(ownerAccountId: number) {
    const rows = await this.db
      .selectFrom('mailbox_acl')
      .innerJoin('mailboxes', 'mailboxes.id', 'mailbox_acl.mailbox_id')
      .select(['mailbox_acl.mailbox_id', 'mailbox_acl.grantee_account_id', 'mailbox_acl.rights'])
      .where('mailboxes.account_id', '=', ownerAccountId)
      .orderBy('mailbox_acl.grantee_account_id')
      .orderBy('mailbox_acl.mailbox_id')
      .execute();
    return rows.map(toEntry);
  }
}
