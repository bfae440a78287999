import { sql, type Kysely } from 'kysely';
import type { Database } from '../schema/tables.js';
import type { MailStateRepo, MessageRow } from '../types.js';

const CHUNK = 500;

/**
 * Mailbox and message state changes beyond delivery: flags with MODSEQ, expunge, rename, delete,
 * subscriptions, expunged-UID tracking (for QRESYNC VANISHED) and bulk reads of the parsed form.
 */
export class KyselyMailStateRepo implements MailStateRepo {
  constructor(private readonly db: Kysely<Database>) {}

  async renameMailbox(id: number, name: string) {
    await this.db.updateTable('mailboxes').set({ name }).where('id', '=', id).execute();
  }

  async deleteMailbox(id: number) {
    await this.db.deleteFrom('expunged_messages').where('mailbox_id', '=', id).execute();
    await this.db.deleteFrom('messages').where('mailbox_id', '=', id).execute();
    await this.db.deleteFrom('mailbox_acl').where('mailbox_id', '=', id).execute();
    await this.db.deleteFrom('shared_subscriptions').where('mailbox_id', '=', id).execute();
    await this.db.deleteFrom('mailboxes').where('id', '=', id).execute();
  }

  async claimRecent(mailboxId: number, nextUid: number) {
    // Compare-and-set, so two sessions selecting at once never both claim a message.
    for (;;) {
      const row = await this.db.selectFrom('mailboxes').select('recent_uid').where('id', '=', mailboxId).executeTakeFirst();
      const from = Number(row?.recent_uid ?? nextUid);
      if (from >= nextUid) return nextUid;
      const r = await this.db.updateTable('mailboxes').set({ recent_uid: nextUid }).where('id', '=', mailboxId).where('recent_uid', '=', from).executeTakeFirst();
      if (Number(r.numUpdatedRows) === 1) return from;
    }
  }

  async setSubscribed(id: number, subscribed: boolean) {
    await this.db.updateTable('mailboxes').set({ subscribed: subscribed ? 1 : 0 }).where('id', '=', id).execute();
  }

  async setSharedSubscription(accountId: number, mailboxId: number, on: boolean) {
    await this.db.deleteFrom('shared_subscriptions').where('account_id', '=', accountId).where('mailbox_id', '=', mailboxId).execute();
    if (on) await this.db.insertInto('shared_subscriptions').values({ account_id: accountId, mailbox_id: mailboxId }).execute();
  }

  async sharedSubscriptions(accountId: number) {
    const rows = await this.db.selectFrom('shared_subscriptions').select('mailbox_id').where('account_id', '=', accountId).execute();
    return rows.map((r) => Number(r.mailbox_id));
  }

  async uids(mailboxId: number) {
    const rows = await this.db.selectFrom('messages').select('uid').where('mailbox_id', '=', mailboxId).orderBy('uid').execute();
    return rows.map((r) => Number(r.uid));
  }

  async flagsOf(mailboxId: number) {
    const rows = await this.db.selectFrom('messages').select(['uid', 'flags', 'modseq']).where('mailbox_id', '=', mailboxId).orderBy('uid').execute();
    return rows.map((r) => ({ uid: Number(r.uid), flags: r.flags, modseq: Number(r.modseq) }));
  }

  async messagesBetween(mailboxId: number, firstUid: number, lastUid: number) {
    return this.db
      .selectFrom('messages')
      .selectAll()
      .where('mailbox_id', '=', mailboxId)
      .where('uid', '>=', firstUid)
      .where('uid', '<=', lastUid)
      .orderBy('uid')
      .execute();
  }

  async messagesByUids(mailboxId: number, uids: readonly number[]) {
    const sorted = [...new Set(uids)].sort((a, b) => a - b);
    const out: MessageRow[] = [];
    for (let i = 0; i < sorted.length; i += CHUNK) {
      out.push(...(await this.db.selectFrom('messages').selectAll().where('mailbox_id', '=', mailboxId).where('uid', 'in', sorted.slice(i, i + CHUNK)).orderBy('uid').execute()));
    }
    return out;
  }

  async bumpModseq(mailboxId: number) {
    const row = await this.db
      .updateTable('mailboxes')
      .set({ highestmodseq: sql`highestmodseq + 1` })
      .where('id', '=', mailboxId)
      .returning('highestmodseq')
      .executeTakeFirstOrThrow();
    return Number(row.highestmodseq);
  }

  async setFlags(mailboxId: number, uid: number, flags: string, modseq: number) {
    await this.db.updateTable('messages').set({ flags, modseq }).where('mailbox_id', '=', mailboxId).where('uid', '=', uid).execute();
  }

  async removeMessages(mailboxId: number, uids: readonly number[]) {
    for (let i = 0; i < uids.length; i += CHUNK) {
      await this.db.deleteFrom('messages').where('mailbox_id', '=', mailboxId).where('uid', 'in', uids.slice(i, i + CHUNK)).execute();
    }
  }

  async adjustMailbox(mailboxId: number, count: number, bytes: number) {
    await this.db
      .updateTable('mailboxes')
      .set({ message_count: sql`message_count + ${count}`, size_bytes: sql`size_bytes + ${bytes}` })
      .where('id', '=', mailboxId)
      .execute();
  }

  async releaseQuota(accountId: number, bytes: number) {
    await this.db
      .updateTable('accounts')
      .set({ used_bytes: sql`case when used_bytes > ${bytes} then used_bytes - ${bytes} else 0 end` })
      .where('id', '=', accountId)
      .execute();
  }

  async recordExpunged(mailboxId: number, uids: readonly number[], modseq: number, hashes?: readonly string[]) {
    for (let i = 0; i < uids.length; i += CHUNK) {
      await this.db
        .insertInto('expunged_messages')
        .values(uids.slice(i, i + CHUNK).map((uid, j) => ({ mailbox_id: mailboxId, uid, modseq, blob_hash: hashes?.[i + j] ?? null })))
        .execute();
    }
  }

  async expungedSince(mailboxId: number, modseq: number) {
    const rows = await this.db
      .selectFrom('expunged_messages')
      .select('uid')
      .where('mailbox_id', '=', mailboxId)
      .where('modseq', '>', modseq)
      .orderBy('uid')
      .execute();
    return rows.map((r) => Number(r.uid));
  }

  async indexes(hashes: readonly string[]) {
    const out: { blobHash: string; indexJson: string }[] = [];
    for (let i = 0; i < hashes.length; i += CHUNK) {
      const rows = await this.db
        .selectFrom('message_meta')
        .select(['blob_hash', 'index_json'])
        .where('blob_hash', 'in', hashes.slice(i, i + CHUNK))
        .execute();
      for (const r of rows) out.push({ blobHash: r.blob_hash, indexJson: r.index_json });
    }
    return out;
  }

  async searchText(mailboxId: number, needle: string, columns: readonly ('subject' | 'from_text' | 'search_text' | 'index_json')[], onlyUids?: readonly number[]) {
    // lower(...) like lower(...) behaves the same on both engines (case-insensitive, ASCII and beyond on PostgreSQL).
    const pattern = `%${needle.toLowerCase().replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
    const rows = await this.db
      .selectFrom('messages')
      .innerJoin('message_meta', 'message_meta.blob_hash', 'messages.blob_hash')
      .select('messages.uid')
      .where('messages.mailbox_id', '=', mailboxId)
      .$if(onlyUids !== undefined, (q) => q.where('messages.uid', 'in', onlyUids!.length ? [...onlyUids!] : [-1]))
      .where((eb) => eb.or(columns.map((c) => eb(sql`lower(${sql.ref(`message_meta.${c}`)})`, 'like', sql`${pattern} escape '\\'`))))
      .orderBy('messages.uid')
      .execute();
    return rows.map((r) => Number(r.uid));
  }
}
