// Mailbox names as IMAP shows them (RFC 2342 NAMESPACE): own folders at the root, other people's
// folders under "Other Users/<address>/", shared team mailboxes under "Shared Folders/<address>/".
import type { MailboxView } from '../../core/mail/mailbox-service.js';

export const DELIM = '/';
export const OTHER_USERS = 'Other Users';
export const SHARED_FOLDERS = 'Shared Folders';

/** The IMAP name of a folder as seen by the session's account. */
export function displayName(view: MailboxView): string {
  if (view.own) return view.mailbox.name;
  const root = view.owner.kind === 'shared' ? SHARED_FOLDERS : OTHER_USERS;
  return `${root}${DELIM}${view.owner.address}${DELIM}${view.mailbox.name}`;
}

/** Splits an IMAP name into owner (null: own) and folder name; `namespace` set for a bare namespace path. */
export function parseName(name: string): { owner: string | null; folder: string; namespace?: boolean } {
  for (const root of [OTHER_USERS, SHARED_FOLDERS]) {
    if (name === root) return { owner: '', folder: '', namespace: true };
    if (name.startsWith(root + DELIM)) {
      const rest = name.slice(root.length + 1);
      const i = rest.indexOf(DELIM);
      if (i < 0) return { owner: rest, folder: '', namespace: true };
      return { owner: rest.slice(0, i), folder: rest.slice(i + 1) };
    }
  }
  return { owner: null, folder: name };
}

/** A LIST pattern (RFC 9051 6.3.9) as a regular expression: `*` any, `%` any but the delimiter. */
export function patternRegex(reference: string, pattern: string): RegExp {
  let full = pattern;
  if (reference && !pattern.startsWith(DELIM)) full = reference.endsWith(DELIM) ? reference + pattern : reference + DELIM + pattern;
  let re = '';
  for (const ch of full) {
    if (ch === '*') re += '.*';
    else if (ch === '%') re += '[^/]*';
    else re += ch.replace(/[\\^$.|?+()[\]{}]/g, (c) => `\\${c}`);
  }
  // INBOX is case-insensitive (RFC 9051 section 5.1).
  if (/^inbox/i.test(full)) re = `(?:INBOX|inbox|Inbox)${re.slice(5)}`;
  return new RegExp(`^${re}$`, /^inbox/i.test(full) ? 'i' : '');
}
