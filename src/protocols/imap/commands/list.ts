// LIST and LSUB (RFC 9051 6.3.9, RFC 3501 6.3.9, RFC 5258 LIST-EXTENDED, RFC 6154 SPECIAL-USE,
// RFC 3348 CHILDREN, RFC 5819 LIST-STATUS, RECURSIVEMATCH with CHILDINFO): own folders, then folders shared with the account
// under the "Other Users" and "Shared Folders" namespaces, which appear as \Noselect levels.
import type { MailboxView } from '../../../core/mail/mailbox-service.js';
import { ALL_RIGHTS } from '../../../core/sharing/rights.js';
import { DELIM, displayName, patternRegex } from '../names.js';
import { wire } from '../proto/index.js';
import type { ImapSession } from '../session.js';
import { statusItems } from './mailbox.js';
import { AUTH, accountId, type Handler } from './common.js';

interface Entry {
  name: string;
  view: MailboxView | null;
  subscribed: boolean;
  specialUse: string | null;
}

async function entries(s: ImapSession): Promise<Entry[]> {
  const me = accountId(s);
  const out = new Map<string, Entry>();
  const owner = { id: me, address: s.account?.address ?? '', kind: s.account?.kind ?? 'person' };
  for (const m of await s.services.mailboxes.own(me)) {
    const view: MailboxView = { mailbox: m, owner, rights: ALL_RIGHTS, own: true };
    out.set(m.name, { name: m.name, view, subscribed: m.subscribed === 1, specialUse: m.special_use });
  }
  const subs = new Set(await s.services.mailboxes.sharedSubscriptions(me));
  for (const v of await s.services.mailboxes.shared(me)) {
    const name = displayName(v);
    out.set(name, { name, view: v, subscribed: subs.has(v.mailbox.id), specialUse: null });
  }
  // Levels that hold folders but are not folders themselves (namespace roots, owners, gaps).
  for (const name of [...out.keys()]) {
    const parts = name.split(DELIM);
    for (let i = 1; i < parts.length; i++) {
      const parent = parts.slice(0, i).join(DELIM);
      if (!out.has(parent)) out.set(parent, { name: parent, view: null, subscribed: false, specialUse: null });
    }
  }
  return [...out.values()].sort((a, b) => (a.name === 'INBOX' ? -1 : b.name === 'INBOX' ? 1 : a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}

function hasChildren(all: Entry[], name: string): boolean {
  const prefix = name + DELIM;
  return all.some((e) => e.name.startsWith(prefix));
}

const list: Handler<'LIST'> = {
  states: AUTH,
  async run(s, cmd) {
    const a = cmd.args;
    if (a.patterns.length === 1 && a.patterns[0] === '' && !a.extended) {
      s.write(wire.untagged([wire.atom('LIST'), [wire.atom('\\Noselect')], wire.str(DELIM), wire.str('')]));
      return;
    }
    const all = await entries(s);
    const res = a.patterns.map((p) => patternRegex(a.reference, p));
    const matches = (e: Entry) => res.some((re) => re.test(e.name));
    const subscribedOnly = a.selectOptions.includes('SUBSCRIBED');
    const specialOnly = a.selectOptions.includes('SPECIAL-USE');
    const visible = (e: Entry) => !e.view || e.view.rights.includes('l');
    const chosen = (e: Entry) => visible(e) && (!subscribedOnly || e.subscribed) && (!specialOnly || e.specialUse !== null);
    // RFC 5258 3.5: with RECURSIVEMATCH, a level whose subscribed descendant the pattern misses is
    // returned too, with CHILDINFO ("SUBSCRIBED"); \NonExistent when the level is not a folder.
    const recursive = subscribedOnly && a.selectOptions.includes('RECURSIVEMATCH');
    const childInfo = (e: Entry) => recursive && all.some((d) => d.name.startsWith(e.name + DELIM) && chosen(d) && !matches(d));
    const showSubscribed = subscribedOnly || a.returnOptions.subscribed;
    for (const e of all) {
      if (!matches(e) || !visible(e)) continue;
      const info = childInfo(e);
      if (!chosen(e) && !info) continue;
      const attrs: string[] = [];
      if (!e.view) attrs.push(info && !chosen(e) ? '\\NonExistent' : '\\Noselect');
      attrs.push(hasChildren(all, e.name) ? '\\HasChildren' : '\\HasNoChildren');
      if (showSubscribed && e.subscribed) attrs.push('\\Subscribed');
      if (e.specialUse) attrs.push(e.specialUse);
      const line: wire.ImapOut[] = [wire.atom('LIST'), attrs.map((x) => wire.atom(x)), wire.str(DELIM), wire.mailbox(e.name, s.utf8)];
      if (info) line.push([wire.str('CHILDINFO'), [wire.str('SUBSCRIBED')]]);
      s.write(wire.untagged(line, { utf8: s.utf8 }));
      if (a.returnOptions.status && e.view && e.view.rights.includes('r')) {
        const items = await statusItems(s, e.view, a.returnOptions.status);
        s.write(wire.untagged([wire.atom('STATUS'), wire.mailbox(e.name, s.utf8), items], { utf8: s.utf8 }));
      }
    }
  },
};

const lsub: Handler<'LSUB'> = {
  states: AUTH,
  async run(s, cmd) {
    const all = await entries(s);
    const re = patternRegex(cmd.args.reference, cmd.args.pattern);
    for (const e of all) {
      if (!e.subscribed || !re.test(e.name)) continue;
      s.write(wire.untagged([wire.atom('LSUB'), [], wire.str(DELIM), wire.mailbox(e.name, s.utf8)], { utf8: s.utf8 }));
    }
  },
};

export const listHandlers = { LIST: list, LSUB: lsub };
