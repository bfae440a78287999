// STORE and UID STORE (RFC 9051 6.4.6, RFC 7162 UNCHANGEDSINCE and MODIFIED).
import { formatRanges, rangesFromNumbers, wire } from '../proto/index.js';
import { no } from '../errors.js';
import { SELECTED, selected, targets, type Handler } from './common.js';

const store: Handler<'STORE'> = {
  states: SELECTED,
  async run(s, cmd) {
    const sel = selected(s);
    if (sel.readOnly) throw no('READ-ONLY', 'the folder is open read-only');
    const a = cmd.args;
    if (a.unchangedSince !== undefined) s.condstore = true;
    const list = targets(s, a.set, cmd.uid);
    const res = await s.services.messages.setFlags(sel.view, list.map((t) => t.uid), a.operation, a.flags, { unchangedSince: a.unchangedSince, origin: s.id });
    const changed = new Map(res.changed.map((c) => [c.uid, c]));
    for (const t of list) {
      const c = changed.get(t.uid);
      if (!c) continue;
      // .SILENT still reports MODSEQ changes once CONDSTORE is in use (RFC 7162 section 3.2).
      if (a.silent && !s.condstore) continue;
      const items: wire.ImapOut[] = [];
      if (cmd.uid) items.push(wire.atom('UID'), t.uid);
      if (!a.silent) items.push(wire.atom('FLAGS'), s.flagAtoms(t.uid, c.flags));
      if (s.condstore) items.push(wire.atom('MODSEQ'), [c.modseq]);
      s.write(wire.untagged([t.seq, wire.atom('FETCH'), items]));
    }
    if (res.failed.length) {
      const nums = cmd.uid ? res.failed : res.failed.map((u) => sel.seqOf(u));
      return { code: `MODIFIED ${formatRanges(rangesFromNumbers(nums))}`, text: 'Some messages were changed meanwhile' };
    }
  },
};

export const storeHandlers = { STORE: store };
