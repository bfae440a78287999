// FETCH and UID FETCH (RFC 9051 6.4.5 and 6.4.9, RFC 7162 CHANGEDSINCE).
import type { MessageRow } from '../../../store/types.js';
import { parseFlags } from '../../../core/mail/message-service.js';
import { needsIndex, setsSeen, writeFetch } from '../response/fetch.js';
import { SELECTED, selected, targets, type Handler } from './common.js';
import { bad } from '../errors.js';
import { compileSequenceSet, formatRanges, rangesFromNumbers } from '../proto/index.js';

const fetch: Handler<'FETCH'> = {
  states: SELECTED,
  async run(s, cmd) {
    const sel = selected(s);
    const a = cmd.args;
    if (a.changedSince !== undefined || a.attributes.some((x) => x.type === 'MODSEQ')) s.condstore = true;
    if (a.vanished && (!cmd.uid || !s.enabled.has('QRESYNC') || a.changedSince === undefined)) throw bad('VANISHED needs UID FETCH, CHANGEDSINCE and ENABLE QRESYNC');
    if (a.vanished && a.changedSince !== undefined) {
      // RFC 7162 section 3.2.6: UIDs in the set expunged since CHANGEDSINCE.
      const inSet = compileSequenceSet(a.set, sel.lastUid, s.saved);
      const gone = (await s.services.messages.expungedSince(sel.id, a.changedSince)).filter((u) => inSet.has(u));
      if (gone.length) s.write(Buffer.from(`* VANISHED (EARLIER) ${formatRanges(rangesFromNumbers(gone))}\r\n`));
    }
    const list = targets(s, a.set, cmd.uid);
    if (!list.length) return;
    const first = list[0]!.uid;
    const last = list[list.length - 1]!.uid;
    const rows = new Map<number, MessageRow>();
    for (const r of await s.services.messages.between(sel.id, Math.min(first, last), Math.max(first, last))) rows.set(Number(r.uid), r);
    const seenSet = new Set<number>();
    if (a.attributes.some(setsSeen) && !sel.readOnly && sel.view.rights.includes('s')) {
      const unseen = list.filter((t) => {
        const r = rows.get(t.uid);
        return r && !parseFlags(r.flags).includes('\\Seen');
      });
      if (unseen.length) {
        const res = await s.services.messages.setFlags(sel.view, unseen.map((t) => t.uid), 'add', ['\\Seen'], { origin: s.id });
        for (const c of res.changed) {
          const r = rows.get(c.uid);
          if (r) rows.set(c.uid, { ...r, flags: c.flags.join(' '), modseq: c.modseq });
          seenSet.add(c.uid);
        }
      }
    }
    const indexes = a.attributes.some(needsIndex)
      ? await s.services.messages.indexes([...rows.values()].map((r) => r.blob_hash))
      : new Map();
    await writeFetch(s, list, rows, indexes, a.attributes, { uid: cmd.uid, changedSince: a.changedSince, seenSet });
  },
};

export const fetchHandlers = { FETCH: fetch };
