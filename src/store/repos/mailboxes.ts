import { sql, type Kysely } from 'kysely';
import type { Database } from '../schema/tables.js';
import type { MailboxRepo } from '../types.js';
import { prepared } from '../prepared.js';

// On every delivery: compiled once (see prepared.ts).
const BY_NAME = prepared((db, accountId: number, name: string) => db.selectFrom('mailboxes').selectAll().where('account_id', '=', accountId).where('name', '=', name));
// UPDATE ... RETURNING takes the counters and locks the mailbox row until commit, so UIDs are
// strictly ascending and never reused, on either engine.
const ALLOCATE = prepared((db, mailboxId: number, size: number) =>
  db
    .updateTable('mailboxes')
    .set({
      uidnext: sql`uidnext + 1`,
      highestmodseq: sql`highestmodseq + 1`,
      message_count: sql`message_count + 1`,
      size_bytes: sql`size_bytes + ${size}`,
    })
    .where('id', '=', mailboxId)
    .returning(['uidnext', 'highestmodseq']),
);

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

  async byName(accountId: number, name: string) {
    return (await BY_NAME.run(this.db, accountId, name)).rows[0];
  }

  list(accountId: number) {
    return this.db.selectFrom('mailboxes').selectAll().where('account_id', '=', accountId).orderBy('name').execute();
  }

  async allocate(mailboxId: number, size: number) {
    const row = (await ALLOCATE.run(this.db, mailboxId, size)).rows[0];
    if (!row) throw new Error(`no mailbox ${mailboxId}`);
    return { uid: Number(row.uidnext) - 1, modseq: Number(row.highestmodseq) };
  }
}
