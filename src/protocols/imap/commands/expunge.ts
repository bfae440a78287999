// EXPUNGE and UID EXPUNGE (RFC 9051 6.4.3, RFC 4315 section 2.1).
import { no } from '../errors.js';
import { SELECTED, selected, targets, type Handler } from './common.js';

const expunge: Handler<'EXPUNGE'> = {
  states: SELECTED,
  async run(s, cmd) {
    const sel = selected(s);
    if (sel.readOnly) throw no('READ-ONLY', 'the folder is open read-only');
    const only = cmd.args.uids ? targets(s, cmd.args.uids, true).map((t) => t.uid) : undefined;
    const removed = await s.services.messages.expunge(sel.view, only, s.id);
    s.reportExpunged(removed);
  },
};

export const expungeHandlers = { EXPUNGE: expunge };
