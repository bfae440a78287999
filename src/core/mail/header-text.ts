/**
 * The header text a TEXT search looks in (RFC 9051 section 6.4.4): subject, every address field,
 * message ids, the date. One definition for the index (which may build it on another thread: see
 * `headerText.module`) and for checking candidates. No runtime imports, so a worker loads it cheaply.
 */
import type { HeaderTextExtractor } from '../../store/types.js';
import type { MessageIndex } from './mime/types.js';

export function headerTextOf(indexJson: string): string {
  const idx = JSON.parse(indexJson) as Partial<MessageIndex>;
  const parts: string[] = [idx.subject ?? '', idx.envelope?.subject ?? ''];
  for (const list of [idx.from, idx.sender, idx.replyTo, idx.to, idx.cc, idx.bcc]) {
    for (const a of list ?? []) parts.push(a.name ? `${a.name} <${a.address}>` : a.address);
  }
  parts.push(idx.messageId ?? '', idx.inReplyTo ?? '', ...(idx.references ?? []), idx.envelope?.date ?? '');
  return parts.filter(Boolean).join('\n');
}

/** `headerTextOf`, with where another thread finds it. */
export const headerText: HeaderTextExtractor = Object.assign((indexJson: string) => headerTextOf(indexJson), {
  module: import.meta.url,
  exportName: 'headerTextOf',
});
