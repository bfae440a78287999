// GETQUOTA, GETQUOTAROOT, SETQUOTA (RFC 9208), backed by the account quota: one root per account,
// named after its address (own: ""), resource STORAGE in KiB.
import { wire } from '../proto/index.js';
import type { ImapSession } from '../session.js';
import { no } from '../errors.js';
import { AUTH, accountId, findView, requireRight, type Handler } from './common.js';

async function writeQuota(s: ImapSession, root: string, ownerId: number): Promise<void> {
  const q = await s.services.mailboxes.quota(ownerId);
  const res = q.limitBytes > 0 ? [wire.atom('STORAGE'), Math.ceil(q.usedBytes / 1024), Math.floor(q.limitBytes / 1024)] : [];
  s.write(wire.untagged([wire.atom('QUOTA'), wire.astr(root), res]));
}

const getquota: Handler<'GETQUOTA'> = {
  states: AUTH,
  async run(s, cmd) {
    const root = cmd.args.root;
    if (root === '') return writeQuota(s, '', accountId(s));
    const acct = await s.services.mailboxes.accountByAddress(root);
    const own = acct?.id === accountId(s);
    const shared = acct && !own ? (await s.services.mailboxes.shared(accountId(s))).some((v) => v.owner.id === acct.id) : false;
    if (!acct || (!own && !shared)) throw no('NONEXISTENT', 'no such quota root');
    await writeQuota(s, root, acct.id);
  },
};

const getquotaroot: Handler<'GETQUOTAROOT'> = {
  states: AUTH,
  async run(s, cmd) {
    const view = await findView(s, cmd.args.mailbox);
    requireRight(view, 'r', 'read the quota');
    const root = view.own ? '' : view.owner.address;
    s.write(wire.untagged([wire.atom('QUOTAROOT'), wire.mailbox(cmd.args.mailbox, s.utf8), wire.astr(root)], { utf8: s.utf8 }));
    await writeQuota(s, root, view.owner.id);
  },
};

const setquota: Handler<'SETQUOTA'> = {
  states: AUTH,
  async run() {
    throw no('NOPERM', 'quotas are set by your organisation\'s administrator');
  },
};

export const quotaHandlers = { GETQUOTA: getquota, GETQUOTAROOT: getquotaroot, SETQUOTA: setquota };
