// SELECT, EXAMINE, CLOSE, UNSELECT, CREATE, DELETE, RENAME, SUBSCRIBE, UNSUBSCRIBE, STATUS, NAMESPACE
// (RFC 9051 sections 6.3 and 6.4.2, RFC 3691 UNSELECT, RFC 2342 NAMESPACE, RFC 7162 CONDSTORE).
import type { MailboxView } from '../../../core/mail/mailbox-service.js';
import { parseFlags } from '../../../core/mail/message-service.js';
import { bad, no } from '../errors.js';
import { SERVER_LIMITS } from '../limits.js';
import { DELIM, OTHER_USERS, SHARED_FOLDERS, displayName, parseName } from '../names.js';
import { compileSequenceSet, formatRanges, rangesFromNumbers, wire, type QresyncParams, type StatusItem } from '../proto/index.js';
import { SelectedMailbox } from '../selected.js';
import type { ImapSession } from '../session.js';
import { AUTH, SELECTED, accountId, findView, requireRight, type Handler } from './common.js';

const SYSTEM = ['\\Answered', '\\Flagged', '\\Deleted', '\\Seen', '\\Draft'];

async function open(s: ImapSession, name: string, examine: boolean, condstore: boolean, qresync?: QresyncParams) {
  if (qresync && !s.enabled.has('QRESYNC')) throw bad('ENABLE QRESYNC first (RFC 7162 section 3.2.5)');
  // RFC 7162 section 3.2.11: the previous mailbox is closed, and the client is told so.
  if (s.selected) s.write(wire.status('*', 'OK', 'Previous mailbox closed', wire.code('CLOSED')));
  s.select(null);
  const view = await findView(s, name);
  requireRight(view, 'r', 'read messages');
  if (condstore) s.condstore = true;
  const rows = await s.services.messages.flagsOf(view.mailbox.id);
  const mbox = await s.services.mailboxes.refresh(view.mailbox.id);
  view.mailbox = mbox;
  const readOnly = examine || !/[swtei]/.test(view.rights);
  const sel = new SelectedMailbox(view, rows.map((r) => Number(r.uid)), readOnly);
  s.select(sel);
  const keywords = new Set<string>();
  let firstUnseen = 0;
  rows.forEach((r, i) => {
    const flags = parseFlags(r.flags);
    for (const f of flags) if (!f.startsWith('\\')) keywords.add(f);
    if (!firstUnseen && !flags.includes('\\Seen')) firstUnseen = i + 1;
  });
  const flags = [...SYSTEM, ...keywords].map((f) => wire.atom(f));
  s.write(wire.untagged([wire.atom('FLAGS'), flags]));
  const permanent = readOnly ? [] : [...SYSTEM.filter((f) => canSet(view, f)), ...keywords].map((f) => wire.atom(f));
  if (!readOnly && view.rights.includes('w')) permanent.push(wire.atom('\\*'));
  s.write(wire.status('*', 'OK', 'Flags permitted', wire.code('PERMANENTFLAGS', permanent)));
  s.write(Buffer.from(`* ${sel.exists} EXISTS\r\n`));
  if (s.rev2) {
    // RFC 9051 6.3.2: a LIST response for the folder; RECENT and the UNSEEN code are gone.
    s.write(wire.untagged([wire.atom('LIST'), (await folderAttributes(s, view)).map((a) => wire.atom(a)), wire.str(DELIM), wire.mailbox(displayName(view), true)], { utf8: true }));
  } else {
    await s.markRecent(sel, sel.uids);
    s.write(Buffer.from(`* ${sel.recent.size} RECENT\r\n`));
    if (firstUnseen) s.write(wire.status('*', 'OK', 'First unseen', wire.code('UNSEEN', firstUnseen)));
  }
  s.write(wire.status('*', 'OK', 'UIDs valid', wire.code('UIDVALIDITY', Number(mbox.uidvalidity))));
  s.write(wire.status('*', 'OK', 'Predicted next UID', wire.code('UIDNEXT', Number(mbox.uidnext))));
  s.write(wire.status('*', 'OK', 'Highest', wire.code('HIGHESTMODSEQ', Number(mbox.highestmodseq))));
  if (qresync && qresync.uidValidity === Number(mbox.uidvalidity)) await resync(s, sel, rows, qresync);
  return { code: readOnly ? 'READ-ONLY' : 'READ-WRITE', text: `${examine ? 'EXAMINE' : 'SELECT'} completed` };
}

/** Attributes of one folder as LIST shows them (children, special use). */
async function folderAttributes(s: ImapSession, view: MailboxView): Promise<string[]> {
  const name = displayName(view);
  const own = view.own ? await s.services.mailboxes.own(accountId(s)) : [];
  const attrs = [own.some((m) => m.name.startsWith(name + DELIM)) ? '\\HasChildren' : '\\HasNoChildren'];
  if (view.mailbox.special_use) attrs.push(view.mailbox.special_use);
  return attrs;
}

function canSet(view: MailboxView, flag: string): boolean {
  if (flag === '\\Seen') return view.rights.includes('s');
  if (flag === '\\Deleted') return view.rights.includes('t');
  return view.rights.includes('w');
}

/** QRESYNC (RFC 7162 section 3.2.5): what vanished and what changed since the client's MODSEQ. */
async function resync(s: ImapSession, sel: SelectedMailbox, rows: { uid: number; flags: string; modseq: number }[], q: QresyncParams): Promise<void> {
  const known = q.knownUids ? compileSequenceSet(q.knownUids, Number.MAX_SAFE_INTEGER) : null;
  const vanished = (await s.services.messages.expungedSince(sel.id, q.modSeq)).filter((u) => !known || known.has(u));
  if (vanished.length) s.write(Buffer.from(`* VANISHED (EARLIER) ${formatRanges(rangesFromNumbers(vanished))}\r\n`));
  rows.forEach((r, i) => {
    if (Number(r.modseq) <= q.modSeq) return;
    const flags = s.flagAtoms(Number(r.uid), parseFlags(r.flags));
    s.write(wire.untagged([i + 1, wire.atom('FETCH'), [wire.atom('UID'), Number(r.uid), wire.atom('FLAGS'), flags, wire.atom('MODSEQ'), [Number(r.modseq)]]]));
  });
}

const select: Handler<'SELECT'> = { states: AUTH, run: (s, c) => open(s, c.args.mailbox, false, c.args.condstore, c.args.qresync) };
const examine: Handler<'EXAMINE'> = { states: AUTH, run: (s, c) => open(s, c.args.mailbox, true, c.args.condstore, c.args.qresync) };

const close: Handler<'CLOSE'> = {
  states: SELECTED,
  async run(s) {
    const sel = s.selected;
    if (sel && !sel.readOnly && sel.view.rights.includes('e')) await s.services.messages.expunge(sel.view, undefined, s.id);
    s.select(null);
  },
};

const unselect: Handler<'UNSELECT'> = {
  states: SELECTED,
  async run(s) {
    s.select(null);
  },
};

const create: Handler<'CREATE'> = {
  states: AUTH,
  async run(s, cmd) {
    const name = cmd.args.mailbox.endsWith(DELIM) ? cmd.args.mailbox.slice(0, -1) : cmd.args.mailbox;
    const { owner } = parseName(name);
    if (owner !== null) throw no('NOPERM', 'folders can only be created among your own folders');
    if (cmd.args.specialUse.length > 1) throw no('USEATTR', 'one special-use attribute per folder');
    await s.services.mailboxes.create(accountId(s), name, cmd.args.specialUse[0] ?? null);
  },
};

const del: Handler<'DELETE'> = {
  states: AUTH,
  async run(s, cmd) {
    const view = await findView(s, cmd.args.mailbox);
    if (s.selected?.id === view.mailbox.id) s.select(null);
    await s.services.mailboxes.delete(accountId(s), view);
  },
};

const rename: Handler<'RENAME'> = {
  states: AUTH,
  async run(s, cmd) {
    const view = await findView(s, cmd.args.mailbox);
    const target = parseName(cmd.args.newName);
    if (target.owner !== null) throw no('NOPERM', 'folders can only be renamed among your own folders');
    await s.services.mailboxes.rename(accountId(s), view, cmd.args.newName);
  },
};

const subscribe: Handler<'SUBSCRIBE'> = {
  states: AUTH,
  async run(s, cmd) {
    await s.services.mailboxes.subscribe(accountId(s), await findView(s, cmd.args.mailbox), true);
  },
};

const unsubscribe: Handler<'UNSUBSCRIBE'> = {
  states: AUTH,
  async run(s, cmd) {
    const view = await findView(s, cmd.args.mailbox).catch(() => null);
    // Unsubscribing a folder that no longer exists is allowed (RFC 9051 6.3.8).
    if (view) await s.services.mailboxes.subscribe(accountId(s), view, false);
  },
};

/** STATUS data of one folder (RFC 9051 6.3.11); also used by LIST-STATUS. */
export async function statusItems(s: ImapSession, view: MailboxView, items: readonly StatusItem[]): Promise<wire.ImapOut[]> {
  const mbox = await s.services.mailboxes.refresh(view.mailbox.id);
  let unseen = 0;
  let deleted = 0;
  let recent = 0;
  if (items.includes('UNSEEN') || items.includes('DELETED') || items.includes('RECENT')) {
    for (const r of await s.services.messages.flagsOf(mbox.id)) {
      const f = parseFlags(r.flags);
      if (!f.includes('\\Seen')) unseen++;
      if (f.includes('\\Deleted')) deleted++;
      // Not yet reported \Recent to any session (RFC 3501 2.3.2).
      if (Number(r.uid) >= Number(mbox.recent_uid)) recent++;
    }
  }
  const out: wire.ImapOut[] = [];
  for (const it of items) {
    const v: Record<StatusItem, number> = {
      MESSAGES: Number(mbox.message_count),
      UIDNEXT: Number(mbox.uidnext),
      UIDVALIDITY: Number(mbox.uidvalidity),
      UNSEEN: unseen,
      DELETED: deleted,
      SIZE: Number(mbox.size_bytes),
      RECENT: recent,
      HIGHESTMODSEQ: Number(mbox.highestmodseq),
      APPENDLIMIT: SERVER_LIMITS.appendLimit,
    };
    out.push(wire.atom(it), v[it]);
  }
  return out;
}

const status: Handler<'STATUS'> = {
  states: AUTH,
  async run(s, cmd) {
    const view = await findView(s, cmd.args.mailbox);
    requireRight(view, 'r', 'read the status');
    if (cmd.args.items.includes('HIGHESTMODSEQ')) s.condstore = true;
    const items = await statusItems(s, view, cmd.args.items);
    s.write(wire.untagged([wire.atom('STATUS'), wire.mailbox(displayName(view), s.utf8), items], { utf8: s.utf8 }));
  },
};

const namespace: Handler<'NAMESPACE'> = {
  states: AUTH,
  async run(s) {
    const ns = (prefix: string) => [[wire.str(prefix), wire.str(DELIM)]];
    s.write(wire.untagged([wire.atom('NAMESPACE'), ns(''), ns(OTHER_USERS + DELIM), ns(SHARED_FOLDERS + DELIM)]));
  },
};

export const mailboxHandlers = {
  SELECT: select,
  EXAMINE: examine,
  CLOSE: close,
  UNSELECT: unselect,
  CREATE: create,
  DELETE: del,
  RENAME: rename,
  SUBSCRIBE: subscribe,
  UNSUBSCRIBE: unsubscribe,
  STATUS: status,
  NAMESPACE: namespace,
};

