import { sql, type Kysely } from 'kysely';
import type { Database } from '../schema/tables.js';
import type { MailboxRepo } from '../types.js';

export class KyselyMailboxRepo implements MailboxRepo {
  constructor(private readonly db: Kysely<Database>) {}

  create(m: { accountId: number; name: string; specialUse: string | null; uidvalidity: number; subscribed: boolean }) {
    return this.db
      .insertInto('mailboxes')
      .values({
        account_id: m.accountId,
        name: m.name,
        special_use: m.specialUse,
        uidvalidity: m.uidvalidity,
        uidnext: 1,
        highestmodseq: 1,
        message_count: 0,
        size_bytes: 0,
        subscribed: m.subscribed ? 1 : 0,
        created_at: Date.now(),
      })
      .returningAll()
      .executeTakeFirstOrThrow();
  }

  byId(id: number) {
    return this.db.selectFrom('mailboxes').selectAll().where('id', '=', id).executeTakeFirst();
  }

  byName(accountId: number, name: string) {
    return this.db.selectFrom('mailboxes').selectAll().where('account_id', '=', accountId).where('name', '=', name).executeTakeFirst();
  }

  list(accountId: number) {
    return this.db.selectFrom('mailboxes').selectAll().where('account_id', '=', accountId).orderBy('name').execute();
  }

  async allocate(mailboxId: number, size: number) {
    // UPDATE ... RETURNING takes the counters and locks the mailbox row until commit, so UIDs are
    // strictly ascending and never reused, on either engine.
    const row = await this.db
      .updateTable('mailboxes')
      .set({
        uidnext: sql`uidnext + 1`,
        highestmodseq: sql`highestmodseq + 1`,
        message_count: sql`message_count + 1`,
        size_bytes: sql`size_bytes + ${size}`,
      })
      .where('id', '=', mailboxId)
      .returning(['uidnext', 'highestmodseq'])
      .executeTakeFirstOrThrow();
    return { uid: Number(row.uidnext) - 1, modseq: Number(row.highestmodseq) };
  }
}
