/** Directory entries as vCard 3.0 (RFC 2426), the version every CardDAV client reads. */
import type { DirectoryEntry } from '../../core/directory/types.js';
import type { DirectoryPhoto } from '../../store/types.js';

const esc = (s: string) => s.replace(/\\/g, '\\\\').replace(/\n/g, '\\n').replace(/([,;])/g, '\\$1');

/** Folds a content line at 75 octets (RFC 2426 2.6), never inside a UTF-8 sequence. */
function fold(line: string): string {
  const bytes = Buffer.from(line, 'utf8');
  if (bytes.length <= 75) return line;
  const parts: string[] = [];
  let start = 0;
  let limit = 75;
  while (start < bytes.length) {
    let end = Math.min(start + limit, bytes.length);
    while (end < bytes.length && (bytes[end]! & 0xc0) === 0x80) end--;
    parts.push(bytes.subarray(start, end).toString('utf8'));
    start = end;
    limit = 74; // continuation lines start with a space
  }
  return parts.join('\r\n ');
}

export function vcardUid(e: DirectoryEntry): string {
  return `wardpost-directory-${e.id}`;
}

/**
 * The entry as a vCard 3.0; with `photo`, its PHOTO inline (RFC 2426 section 3.1.4, base64 as
 * every CardDAV client reads it).
 */
export function toVCard(e: DirectoryEntry, photo?: DirectoryPhoto): string {
  const lines = ['BEGIN:VCARD', 'VERSION:3.0', `UID:${vcardUid(e)}`, `FN:${esc(e.displayName)}`, `N:${esc(e.familyName)};${esc(e.givenName)};;;`];
  if (e.org) lines.push(`ORG:${esc(e.org.name)}${e.department ? `;${esc(e.department)}` : ''}`);
  if (e.jobTitle) lines.push(`TITLE:${esc(e.jobTitle)}`);
  if (e.role) lines.push(`ROLE:${esc(e.role)}`);
  if (e.email) lines.push(`EMAIL;TYPE=INTERNET,WORK:${e.email}`);
  if (e.phones.desk) lines.push(`TEL;TYPE=WORK,VOICE:${esc(e.phones.desk)}`);
  if (e.phones.mobile) lines.push(`TEL;TYPE=CELL:${esc(e.phones.mobile)}`);
  if (e.phones.pager) lines.push(`TEL;TYPE=PAGER:${esc(e.phones.pager)}`);
  if (e.address || e.site) lines.push(`ADR;TYPE=WORK:;${esc(e.site ?? '')};${esc(e.address ?? '')};;;;`);
  if (e.kind === 'shared-mailbox' || e.kind === 'list') lines.push('X-ADDRESSBOOKSERVER-KIND:group');
  if (e.registration) lines.push(`NOTE:Professional registration ${esc(e.registration)}`);
  if (photo) lines.push(`PHOTO;ENCODING=b;TYPE=${photo.contentType === 'image/png' ? 'PNG' : 'JPEG'}:${photo.data.toString('base64')}`);
  lines.push('END:VCARD');
  return `${lines.map(fold).join('\r\n')}\r\n`;
}
