// SORT and THREAD (RFC 5256, RFC 5957 DISPLAYFROM/DISPLAYTO) over the search results, ordered by
// the stored MessageIndex (dates, addresses, base subjects, Message-ID/References).
import type { AddressValue, MessageIndex } from '../../../core/mail/mime/types.js';
import type { MessageRow } from '../../../store/types.js';
import type { SortCriterion } from '../proto/index.js';
import type { ImapSession } from '../session.js';
import { SELECTED, selected, type Handler } from './common.js';
import { runSearch } from './search.js';
import { baseSubject, formatThreads, threadOrderedSubject, threadReferences, type ThreadInput } from '../threading.js';

interface Item {
  seq: number;
  uid: number;
  row: MessageRow;
  index: MessageIndex | undefined;
}

const first = (l: readonly AddressValue[] | undefined) => (l?.[0]?.mailbox ?? '').toLowerCase();
const display = (l: readonly AddressValue[] | undefined) => {
  const a = l?.[0];
  return (a?.decodedName || (a ? `${a.mailbox ?? ''}@${a.host ?? ''}` : '')).toLowerCase();
};
const sentOrArrival = (it: Item) => it.index?.date?.getTime() ?? Number(it.row.internal_date);

function key(it: Item, k: SortCriterion['key']): string | number {
  const e = it.index?.envelope;
  switch (k) {
    case 'ARRIVAL': return Number(it.row.internal_date);
    case 'DATE': return sentOrArrival(it);
    case 'SIZE': return Number(it.row.size);
    case 'SUBJECT': return baseSubject(it.index?.subject ?? '');
    case 'FROM': return first(e?.from);
    case 'TO': return first(e?.to);
    case 'CC': return first(e?.cc);
    case 'DISPLAYFROM': return display(e?.from);
    case 'DISPLAYTO': return display(e?.to);
  }
}

async function items(s: ImapSession, criteria: Parameters<typeof runSearch>[1]): Promise<Item[]> {
  const sel = selected(s);
  const { hits } = await runSearch(s, criteria);
  if (!hits.length) return [];
  const rows = new Map((await s.services.messages.between(sel.id, hits[0]![1], hits[hits.length - 1]![1])).map((r) => [Number(r.uid), r]));
  const idx = await s.services.messages.indexes([...rows.values()].map((r) => r.blob_hash));
  return hits.filter(([, uid]) => rows.has(uid)).map(([seq, uid]) => ({ seq, uid, row: rows.get(uid)!, index: idx.get(rows.get(uid)!.blob_hash) }));
}

const sort: Handler<'SORT'> = {
  states: SELECTED,
  async run(s, cmd) {
    const list = await items(s, cmd.args.criteria);
    const crit = cmd.args.sort;
    list.sort((a, b) => {
      for (const c of crit) {
        const x = key(a, c.key);
        const y = key(b, c.key);
        if (x !== y) return (x < y ? -1 : 1) * (c.reverse ? -1 : 1);
      }
      return a.seq - b.seq;
    });
    const nums = list.map((it) => (cmd.uid ? it.uid : it.seq));
    s.write(Buffer.from(`* SORT${nums.length ? ' ' + nums.join(' ') : ''}\r\n`));
  },
};

/** What threading needs of one result (RFC 5256 section 2.2: sent date, else arrival). */
function threadInput(it: Item, uid: boolean): ThreadInput {
  const idx = it.index;
  const refs = idx?.references.length ? idx.references : idx?.inReplyTo ? [idx.inReplyTo] : [];
  return { id: uid ? it.uid : it.seq, messageId: idx?.messageId ?? null, references: refs, subject: idx?.subject ?? '', date: sentOrArrival(it) };
}

const thread: Handler<'THREAD'> = {
  states: SELECTED,
  async run(s, cmd) {
    const list = (await items(s, cmd.args.criteria)).map((it) => threadInput(it, cmd.uid));
    const roots = cmd.args.algorithm === 'ORDEREDSUBJECT' ? threadOrderedSubject(list) : threadReferences(list);
    s.write(Buffer.from(`* THREAD${roots.length ? ' ' : ''}${formatThreads(roots)}\r\n`));
  },
};

export const sortThreadHandlers = { SORT: sort, THREAD: thread };
