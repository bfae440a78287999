// COPY, MOVE, UID COPY, UID MOVE (RFC 9051 6.4.7 and 6.4.8, RFC 6851 MOVE, RFC 4315 COPYUID).
import type { CommandOf } from '../proto/index.js';
import type { ImapSession } from '../session.js';
import { no } from '../errors.js';
import { SELECTED, findView, selected, targets, type Done, type Handler } from './common.js';

function copyUid(validity: number, map: [number, number][]): string | undefined {
  if (!map.length) return undefined;
  return `COPYUID ${validity} ${map.map(([a]) => a).join(',')} ${map.map(([, b]) => b).join(',')}`;
}

async function run(s: ImapSession, cmd: CommandOf<'COPY'> | CommandOf<'MOVE'>, move: boolean): Promise<Done> {
  const sel = selected(s);
  const list = targets(s, cmd.args.set, cmd.uid);
  const dest = await findView(s, cmd.args.mailbox).catch(() => {
    throw no('TRYCREATE', `no folder named "${cmd.args.mailbox.slice(0, 100)}"`);
  });
  const uids = list.map((t) => t.uid);
  if (!move) {
    const res = await s.services.messages.copy(sel.view, uids, dest);
    return { code: copyUid(res.uidvalidity, res.map), text: 'COPY completed' };
  }
  if (sel.readOnly) throw no('READ-ONLY', 'the folder is open read-only');
  const res = await s.services.messages.move(sel.view, uids, dest, s.id);
  // RFC 6851 section 4.3: COPYUID goes in an untagged OK before the EXPUNGEs.
  const code = copyUid(res.uidvalidity, res.map);
  if (code) s.write(Buffer.from(`* OK [${code}] Moved\r\n`));
  s.reportExpunged(res.expunged);
  return { text: 'MOVE completed' };
}

export const copyMoveHandlers = {
  COPY: { states: SELECTED, run: (s, c) => run(s, c, false) } as Handler<'COPY'>,
  MOVE: { states: SELECTED, run: (s, c) => run(s, c, true) } as Handler<'MOVE'>,
};
