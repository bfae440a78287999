// SORT and THREAD (RFC 5256, RFC 5957 DISPLAYFROM/DISPLAYTO) over the search results, ordered by
// the stored MessageIndex (dates, addresses, base subjects, Message-ID/References).
import type { AddressValue, MessageIndex } from '../../../core/mail/mime/types.js';
import type { MessageRow } from '../../../store/types.js';
import type { SortCriterion } from '../proto/index.js';
import type { ImapSession } from '../session.js';
import { SELECTED, selected, type Handler } from './common.js';
import { runSearch } from './search.js';

/** The base subject (RFC 5256 section 2.1): no Re:/Fw:/Fwd:, [tags] or (fwd), case-folded. */
export function baseSubject(subject: string): string {
  let s = subject.replace(/\s+/g, ' ').trim();
  for (;;) {
    const before = s;
    s = s.replace(/\s*\(fwd\)$/i, '').trim();
    s = s.replace(/^((\[[^\]]*\]\s*)*(re|fwd?)\s*(\[[^\]]*\])?\s*:\s*)+/i, '').trim();
    s = s.replace(/^\[fwd:(.*)\]$/i, '$1').trim();
    if (s === before) break;
  }
  return s.toLowerCase();
}

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

interface Node {
  it: Item;
  children: Node[];
}

function render(n: Node, uid: boolean): string {
  const id = String(uid ? n.it.uid : n.it.seq);
  if (!n.children.length) return id;
  if (n.children.length === 1) return `${id} ${render(n.children[0]!, uid)}`;
  return `${id} ${n.children.map((c) => `(${render(c, uid)})`).join('')}`;
}

/** REFERENCES (RFC 5256 section 2.2), simplified: parents from References/In-Reply-To among the results, then roots with the same base subject joined. */
function threadReferences(list: Item[]): Node[] {
  const byId = new Map<string, Node>();
  const nodes = list.map((it) => ({ it, children: [] as Node[] }));
  for (const n of nodes) if (n.it.index?.messageId && !byId.has(n.it.index.messageId)) byId.set(n.it.index.messageId, n);
  const roots: Node[] = [];
  for (const n of nodes) {
    const refs = [...(n.it.index?.references ?? [])];
    if (n.it.index?.inReplyTo) refs.push(n.it.index.inReplyTo);
    let parent: Node | undefined;
    for (let i = refs.length - 1; i >= 0 && !parent; i--) {
      const p = byId.get(refs[i]!);
      if (p && p !== n) parent = p;
    }
    if (parent && !isDescendant(n, parent)) parent.children.push(n);
    else roots.push(n);
  }
  const bySubject = new Map<string, Node>();
  const out: Node[] = [];
  for (const r of roots.sort((a, b) => sentOrArrival(a.it) - sentOrArrival(b.it))) {
    const subj = baseSubject(r.it.index?.subject ?? '');
    const host = subj ? bySubject.get(subj) : undefined;
    if (host) host.children.push(r);
    else {
      if (subj) bySubject.set(subj, r);
      out.push(r);
    }
  }
  const order = (n: Node) => {
    n.children.sort((a, b) => sentOrArrival(a.it) - sentOrArrival(b.it));
    n.children.forEach(order);
  };
  out.forEach(order);
  return out;
}

function isDescendant(ancestor: Node, n: Node): boolean {
  return ancestor.children.some((c) => c === n || isDescendant(c, n));
}

function threadOrderedSubject(list: Item[]): Node[] {
  const groups = new Map<string, Item[]>();
  for (const it of [...list].sort((a, b) => sentOrArrival(a) - sentOrArrival(b) || a.seq - b.seq)) {
    const k = baseSubject(it.index?.subject ?? '');
    const g = groups.get(k) ?? [];
    g.push(it);
    groups.set(k, g);
  }
  return [...groups.values()].map((g) => ({ it: g[0]!, children: g.slice(1).map((it) => ({ it, children: [] })) }));
}

const thread: Handler<'THREAD'> = {
  states: SELECTED,
  async run(s, cmd) {
    const list = await items(s, cmd.args.criteria);
    const roots = cmd.args.algorithm === 'ORDEREDSUBJECT' ? threadOrderedSubject(list) : threadReferences(list);
    s.write(Buffer.from(`* THREAD${roots.length ? ' ' : ''}${roots.map((r) => `(${render(r, cmd.uid)})`).join('')}\r\n`));
  },
};

export const sortThreadHandlers = { SORT: sort, THREAD: thread };
