import type { Kysely } from 'kysely';
import type { Database } from '../schema/tables.js';
import type { MessageMeta, MessageMetaRepo, MessageRepo, NewMessage } from '../types.js';

export class KyselyMessageRepo implements MessageRepo {
  constructor(private readonly db: Kysely<Database>) {}

  async insert(m: NewMessage) {
    await this.db
      .insertInto('messages')
      .values({
        mailbox_id: m.mailboxId,
        uid: m.uid,
        modseq: m.modseq,
        blob_hash: m.blobHash,
        size: m.size,
        internal_date: m.internalDate,
        flags: m.flags.join(' '),
      })
      .execute();
  }

  list(mailboxId: number, opts: { afterUid?: number; limit?: number } = {}) {
    let q = this.db.selectFrom('messages').selectAll().where('mailbox_id', '=', mailboxId).orderBy('uid');
    if (opts.afterUid !== undefined) q = q.where('uid', '>', opts.afterUid);
    if (opts.limit !== undefined) q = q.limit(opts.limit);
    return q.execute();
  }

  byUid(mailboxId: number, uid: number) {
    return this.db.selectFrom('messages').selectAll().where('mailbox_id', '=', mailboxId).where('uid', '=', uid).executeTakeFirst();
  }

  async count(mailboxId: number) {
    const row = await this.db.selectFrom('messages').select((eb) => eb.fn.countAll<number>().as('n')).where('mailbox_id', '=', mailboxId).executeTakeFirstOrThrow();
    return Number(row.n);
  }
}

export class KyselyMessageMetaRepo implements MessageMetaRepo {
  constructor(private readonly db: Kysely<Database>) {}

  async put(meta: MessageMeta) {
    await this.db
      .insertInto('message_meta')
      .values({
        blob_hash: meta.blobHash,
        subject: meta.subject,
        from_text: meta.fromText,
        sent_at: meta.sentAt,
        message_id: meta.messageId,
        index_json: meta.indexJson,
        search_text: meta.searchText,
      })
      .onConflict((oc) => oc.column('blob_hash').doNothing())
      .execute();
  }

  async get(blobHash: string) {
    const r = await this.db.selectFrom('message_meta').selectAll().where('blob_hash', '=', blobHash).executeTakeFirst();
    if (!r) return undefined;
    return {
      blobHash: r.blob_hash,
      subject: r.subject,
      fromText: r.from_text,
      sentAt: r.sent_at === null ? null : Number(r.sent_at),
      messageId: r.message_id,
      indexJson: r.index_json,
      searchText: r.search_text,
    };
  }
}
