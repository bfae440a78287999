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
    const uids: number[] = [];
    let validity = 0;
    for (const m of cmd.args.messages) {
      if (m.data.length > SERVER_LIMITS.appendLimit) throw no('TOOBIG', 'the message is larger than APPENDLIMIT');
      const internalDate = m.internalDate?.date;
      const res = await s.services.messages.append(view, Readable.from([m.data]), { flags: [...m.flags], internalDate });
      uids.push(res.uid);
      validity = res.uidvalidity;
    }
    if (s.selected?.id === view.mailbox.id) await s.sendUpdates(false);
    return { code: `APPENDUID ${validity} ${uids.join(',')}`, text: 'APPEND completed' };
  },
};

export const appendHandlers = { APPEND: append };
