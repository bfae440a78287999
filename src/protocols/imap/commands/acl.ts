// GETACL, SETACL, DELETEACL, LISTRIGHTS, MYRIGHTS (RFC 4314), over core/sharing's one model of
// folder grants. Identifiers are account addresses.
import type { Actor } from '../../../core/actor.js';
import { modifyRights } from '../../../core/sharing/rights.js';
import { wire } from '../proto/index.js';
import type { ImapSession } from '../session.js';
import { displayName } from '../names.js';
import { no } from '../errors.js';
import { AUTH, findView, type Handler } from './common.js';

function actor(s: ImapSession): Actor {
  return { kind: 'account', label: s.account?.address ?? 'unknown', accountId: s.account?.id ?? null, ip: s.remoteAddress };
}

const getacl: Handler<'GETACL'> = {
  states: AUTH,
  async run(s, cmd) {
    const view = await findView(s, cmd.args.mailbox);
    const entries = await s.services.mailboxes.acl(view);
    const out: wire.ImapOut[] = [wire.atom('ACL'), wire.mailbox(displayName(view), s.utf8)];
    for (const e of entries) out.push(wire.astr(e.address), wire.astr(e.rights));
    s.write(wire.untagged(out, { utf8: s.utf8 }));
  },
};

const setacl: Handler<'SETACL'> = {
  states: AUTH,
  async run(s, cmd) {
    const view = await findView(s, cmd.args.mailbox);
    const a = cmd.args;
    if (a.identifier.toLowerCase() === view.owner.address.toLowerCase()) throw no('CANNOT', 'the owner always has every right');
    if (a.identifier === 'anyone' || a.identifier.startsWith('-')) throw no('CANNOT', 'grants are made to one colleague at a time, by address');
    const current = a.operation === 'replace' ? '' : await s.services.mailboxes.rightsOf(view, a.identifier);
    const change = a.operation === 'add' ? `+${a.rights}` : a.operation === 'remove' ? `-${a.rights}` : a.rights;
    const next = modifyRights(current, change);
    await s.services.mailboxes.setAcl(view, a.identifier, next, actor(s));
  },
};

const deleteacl: Handler<'DELETEACL'> = {
  states: AUTH,
  async run(s, cmd) {
    const view = await findView(s, cmd.args.mailbox);
    await s.services.mailboxes.setAcl(view, cmd.args.identifier, '', actor(s));
  },
};

const listrights: Handler<'LISTRIGHTS'> = {
  states: AUTH,
  async run(s, cmd) {
    const view = await findView(s, cmd.args.mailbox);
    if (!view.rights.includes('a')) throw no('NOPERM', 'you may not administer this folder');
    s.write(wire.untagged([wire.atom('LISTRIGHTS'), wire.mailbox(displayName(view), s.utf8), wire.astr(cmd.args.identifier), wire.str(''), ...'lrswipkxtea'.split('').map((r) => wire.atom(r))], { utf8: s.utf8 }));
  },
};

const myrights: Handler<'MYRIGHTS'> = {
  states: AUTH,
  async run(s, cmd) {
    const view = await findView(s, cmd.args.mailbox);
    s.write(wire.untagged([wire.atom('MYRIGHTS'), wire.mailbox(displayName(view), s.utf8), wire.astr(view.rights)], { utf8: s.utf8 }));
  },
};

export const aclHandlers = { GETACL: getacl, SETACL: setacl, DELETEACL: deleteacl, LISTRIGHTS: listrights, MYRIGHTS: myrights };
