// APPEND (RFC 9051 6.3.12, RFC 3502 MULTIAPPEND, RFC 4315 APPENDUID): through local delivery,
// so the message is indexed and counted against the owner's quota like any other.
import { Readable } from 'node:stream';
import { no } from '../errors.js';
import { SERVER_LIMITS } from '../limits.js';
import { AUTH, findView, type Handler } from './common.js';

const append: Handler<'APPEND'> = {
  states: AUTH,
  async run(s, cmd) {
    const view = await findView(s, cmd.args.mailbox).catch(() => {
      throw no('TRYCREATE', `no folder named "${cmd.args.mailbox.slice(0, 100)}"`);
    });
    for (const m of cmd.args.messages) {
      if (m.data.length > SERVER_LIMITS.appendLimit) throw no('TOOBIG', 'the message is larger than APPENDLIMIT');
    }
    // RFC 3502 section 6.3.11: every message of one APPEND is stored, or none is.
    const { uids, uidvalidity: validity } = await s.services.messages.appendAll(
      view,
      cmd.args.messages.map((m) => ({ source: Readable.from([m.data]), flags: [...m.flags], internalDate: m.internalDate?.date })),
    );
    if (s.selected?.id === view.mailbox.id) await s.sendUpdates(false);
    return { code: `APPENDUID ${validity} ${uids.join(',')}`, text: 'APPEND completed' };
  },
};

export const appendHandlers = { APPEND: append };
