import type { Kysely } from 'kysely';
import type { Database } from '../schema/tables.js';
import type { MessageMeta, MessageMetaRepo, MessageRepo, NewMessage } from '../types.js';
import { prepared } from '../prepared.js';

// The delivery path's inserts, compiled once (see prepared.ts).
const INSERT_MESSAGE = prepared((db, mailboxId: number, uid: number, modseq: number, blobHash: string, size: number, internalDate: number, flags: string) =>
  db.insertInto('messages').values({ mailbox_id: mailboxId, uid, modseq, blob_hash: blobHash, size, internal_date: internalDate, flags }),
);
const PUT_META = prepared(
  (db, blobHash: string, subject: string, fromText: string, sentAt: number | null, messageId: string | null, indexJson: string, searchText: string, threadId: string | null) =>
    db
      .insertInto('message_meta')
      .values({ blob_hash: blobHash, subject, from_text: fromText, sent_at: sentAt, message_id: messageId, index_json: indexJson, search_text: searchText, thread_id: threadId })
      .onConflict((oc) => oc.column('blob_hash').doNothing()),
);

export class KyselyMessageRepo implements MessageRepo {
  constructor(private readonly db: Kysely<Database>) {}

  async insert(m: NewMessage) {
    await INSERT_MESSAGE.run(this.db, m.mailboxId, m.uid, m.modseq, m.blobHash, m.size, m.internalDate, m.flags.join(' '));
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
    await PUT_META.run(this.db, meta.blobHash, meta.subject, meta.fromText, meta.sentAt, meta.messageId, meta.indexJson, meta.searchText, meta.threadId ?? null);
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
