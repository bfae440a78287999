import { sql, type Kysely } from 'kysely';
import type { Database } from '../schema/tables.js';
import type { JmapRepo, MailSettings, MessageListRow } from '../types.js';

const CHUNK = 500;
const LIGHT = ['mailbox_id', 'uid', 'modseq', 'blob_hash', 'size', 'internal_date', 'flags'] as const;

type LightRow = { mailbox_id: number; uid: number; modseq: number; blob_hash: string; size: number; internal_date: number; flags: string };
const light = (r: LightRow): MessageListRow => ({
  mailboxId: Number(r.mailbox_id),
  uid: Number(r.uid),
  modseq: Number(r.modseq),
  blobHash: r.blob_hash,
  size: Number(r.size),
  internalDate: Number(r.internal_date),
  flags: r.flags,
});
const none = (ids: readonly number[]) => (ids.length ? [...ids] : [-1]);

type MailboxCounts = { unread: number; threads: number; unreadThreads: number };
/** Mailboxes whose counts are kept (oldest dropped first); a few hundred bytes each. */
const COUNT_CACHE_MAX = 50_000;
const countCaches = new WeakMap<object, Map<number, { modseq: number; counts: MailboxCounts }>>();
/** One cache per database handle (a store, or a transaction's own view of it). */
function countCache(db: object): Map<number, { modseq: number; counts: MailboxCounts }> {
  let c = countCaches.get(db);
  if (!c) countCaches.set(db, (c = new Map()));
  return c;
}

/** JMAP's reads over the mail tables (light rows, pages, change scans, threads) and its logs. */
export class KyselyJmapRepo implements JmapRepo {
  constructor(private readonly db: Kysely<Database>) {}

  async logMailbox(accountId: number, mailboxId: number, change: string, hashes?: readonly string[]) {
    await this.db
      .insertInto('mailbox_log')
      .values({ account_id: accountId, mailbox_id: mailboxId, change, hashes: hashes ? JSON.stringify(hashes) : null, at: Date.now() })
      .execute();
  }

  async mailboxLogSince(accountIds: readonly number[], afterSeq: number) {
    const rows = await this.db.selectFrom('mailbox_log').selectAll().where('account_id', 'in', none(accountIds)).where('seq', '>', afterSeq).orderBy('seq').execute();
    return rows.map((r) => ({ seq: Number(r.seq), accountId: Number(r.account_id), mailboxId: Number(r.mailbox_id), change: r.change, hashes: r.hashes ? (JSON.parse(r.hashes) as string[]) : [] }));
  }

  async mailboxLogHead(accountIds: readonly number[]) {
    const row = await this.db
      .selectFrom('mailbox_log')
      .select((eb) => eb.fn.max('seq').as('m'))
      .where('account_id', 'in', none(accountIds))
      .executeTakeFirst();
    return Number(row?.m ?? 0);
  }

  async rows(mailboxIds: readonly number[], hashes?: readonly string[]) {
    if (!hashes) {
      const rows = await this.db.selectFrom('messages').select(LIGHT).where('mailbox_id', 'in', none(mailboxIds)).execute();
      return rows.map(light);
    }
    const out: MessageListRow[] = [];
    for (let i = 0; i < hashes.length; i += CHUNK) {
      const rows = await this.db
        .selectFrom('messages')
        .select(LIGHT)
        .where('mailbox_id', 'in', none(mailboxIds))
        .where('blob_hash', 'in', hashes.slice(i, i + CHUNK))
        .execute();
      out.push(...rows.map(light));
    }
    return out;
  }

  async page(mailboxIds: readonly number[], opts: { descending: boolean; offset: number; limit: number }) {
    const dir = opts.descending ? 'desc' : 'asc';
    const rows = await this.db
      .selectFrom('messages')
      .select(LIGHT)
      .where('mailbox_id', 'in', none(mailboxIds))
      .orderBy('internal_date', dir)
      .orderBy('uid', dir)
      .limit(opts.limit)
      .offset(opts.offset)
      .execute();
    return rows.map(light);
  }

  async changedSince(mailboxId: number, modseq: number) {
    const rows = await this.db.selectFrom('messages').select(LIGHT).where('mailbox_id', '=', mailboxId).where('modseq', '>', modseq).orderBy('modseq').execute();
    return rows.map(light);
  }

  async expungedSince(mailboxId: number, modseq: number) {
    const rows = await this.db.selectFrom('expunged_messages').select(['uid', 'blob_hash']).where('mailbox_id', '=', mailboxId).where('modseq', '>', modseq).execute();
    return rows.map((r) => ({ uid: Number(r.uid), blobHash: r.blob_hash }));
  }

  async threadIds(hashes: readonly string[]) {
    const out = new Map<string, string>();
    for (let i = 0; i < hashes.length; i += CHUNK) {
      const rows = await this.db.selectFrom('message_meta').select(['blob_hash', 'thread_id']).where('blob_hash', 'in', hashes.slice(i, i + CHUNK)).execute();
      for (const r of rows) out.set(r.blob_hash, r.thread_id ?? `T${r.blob_hash.slice(0, 20)}`);
    }
    return out;
  }

  async threadMembers(mailboxIds: readonly number[], threadIds: readonly string[]) {
    if (!threadIds.length) return [];
    const rows = await this.db
      .selectFrom('messages')
      .innerJoin('message_meta', 'message_meta.blob_hash', 'messages.blob_hash')
      .select(['messages.mailbox_id', 'messages.uid', 'messages.modseq', 'messages.blob_hash', 'messages.size', 'messages.internal_date', 'messages.flags', 'message_meta.thread_id'])
      .where('messages.mailbox_id', 'in', none(mailboxIds))
      .where('message_meta.thread_id', 'in', [...threadIds])
      .execute();
    return rows.map((r) => ({ threadId: r.thread_id ?? '', row: light(r) }));
  }

  async settings(accountId: number) {
    const r = await this.db.selectFrom('mail_settings').select(['sieve', 'vacation_json', 'identities_json']).where('account_id', '=', accountId).executeTakeFirst();
    return r ? { sieve: r.sieve, vacationJson: r.vacation_json, identitiesJson: r.identities_json } : undefined;
  }

  async setSettings(accountId: number, s: MailSettings) {
    const values = { account_id: accountId, sieve: s.sieve, vacation_json: s.vacationJson, identities_json: s.identitiesJson, updated_at: Date.now() };
    await this.db
      .insertInto('mail_settings')
      .values(values)
      .onConflict((oc) => oc.column('account_id').doUpdateSet({ sieve: values.sieve, vacation_json: values.vacation_json, identities_json: values.identities_json, updated_at: values.updated_at }))
      .execute();
  }

  /**
   * Unread messages and (unread) threads per mailbox, for Mailbox/get. Counted in SQL, and kept per
   * mailbox against its HIGHESTMODSEQ: every change that can move a count (append, flag change,
   * expunge) raises it, so a cached count is exact until the mailbox changes.
   */
  async counts(mailboxIds: readonly number[]) {
    const out = new Map<number, MailboxCounts>();
    if (!mailboxIds.length) return out;
    const cache = countCache(this.db);
    const seqs = await this.db.selectFrom('mailboxes').select(['id', 'highestmodseq']).where('id', 'in', [...mailboxIds]).execute();
    const missing: number[] = [];
    for (const m of seqs) {
      const hit = cache.get(Number(m.id));
      if (hit && hit.modseq === Number(m.highestmodseq)) out.set(Number(m.id), hit.counts);
      else missing.push(Number(m.id));
    }
    if (!missing.length) return out;
    // A message is unread without the \Seen flag (flags are space-separated); one with no thread
    // is a thread of its own, as Email/get reports it.
    const unread = sql`(' ' || m.flags || ' ') not like ${'% \\Seen %'} escape '!'`;
    const thread = sql`coalesce(mm.thread_id, m.blob_hash)`;
    const rows = await sql<{ mailbox_id: number; unread: number; threads: number; unread_threads: number }>`
      select m.mailbox_id,
             sum(case when ${unread} then 1 else 0 end) as unread,
             count(distinct ${thread}) as threads,
             count(distinct case when ${unread} then ${thread} end) as unread_threads
        from messages m join message_meta mm on mm.blob_hash = m.blob_hash
       where m.mailbox_id in (${sql.join(missing)})
       group by m.mailbox_id`.execute(this.db);
    const counted = new Map(rows.rows.map((r) => [Number(r.mailbox_id), { unread: Number(r.unread), threads: Number(r.threads), unreadThreads: Number(r.unread_threads) }]));
    for (const m of seqs) {
      const id = Number(m.id);
      if (!missing.includes(id)) continue;
      const c = counted.get(id) ?? { unread: 0, threads: 0, unreadThreads: 0 };
      cache.set(id, { modseq: Number(m.highestmodseq), counts: c });
      out.set(id, c);
    }
    if (cache.size > COUNT_CACHE_MAX) cache.delete(cache.keys().next().value!);
    return out;
  }

  async lastVacationReply(accountId: number, sender: string, handle: string) {
    const r = await this.db
      .selectFrom('vacation_replies')
      .select('sent_at')
      .where('account_id', '=', accountId)
      .where('sender', '=', sender)
      .where('handle', '=', handle)
      .executeTakeFirst();
    return r ? Number(r.sent_at) : undefined;
  }

  async recordVacationReply(accountId: number, sender: string, handle: string, at: number) {
    await this.db
      .insertInto('vacation_replies')
      .values({ account_id: accountId, sender, handle, sent_at: at })
      .onConflict((oc) => oc.columns(['account_id', 'sender', 'handle']).doUpdateSet({ sent_at: at }))
      .execute();
  }
}


