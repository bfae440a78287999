/**
 * Search snippets (RFC 8621 section 5): the subject and an excerpt of the text around the first
 * hit, HTML-escaped, with the matched terms in <mark>.
 */
const escape = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
const EXCERPT = 255;

function highlight(text: string, terms: readonly string[]): string {
  if (!terms.length) return escape(text);
  const re = new RegExp(terms.map((t) => t.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')).join('|'), 'giu');
  let out = '';
  let last = 0;
  for (const m of text.matchAll(re)) {
    out += `${escape(text.slice(last, m.index))}<mark>${escape(m[0])}</mark>`;
    last = m.index + m[0].length;
  }
  return out + escape(text.slice(last));
}

/** The words of a query worth highlighting. */
export function snippetTerms(texts: readonly string[]): string[] {
  return [...new Set(texts.flatMap((t) => t.split(/[^\p{L}\p{N}]+/u)).filter((w) => w.length > 1).map((w) => w.toLowerCase()))];
}

/** The subject highlighted, or null when no term is in it. */
export function subjectSnippet(subject: string, terms: readonly string[]): string | null {
  const lower = subject.toLowerCase();
  return terms.some((t) => lower.includes(t)) ? highlight(subject, terms) : null;
}

/** An excerpt of the body text around the first term, highlighted; null when none is in it. */
export function previewSnippet(text: string, terms: readonly string[]): string | null {
  const flat = text.replace(/\s+/g, ' ');
  const lower = flat.toLowerCase();
  const at = Math.min(...terms.map((t) => lower.indexOf(t)).filter((i) => i >= 0));
  if (!Number.isFinite(at)) return null;
  const start = Math.max(0, at - 40);
  return highlight(`${start > 0 ? '…' : ''}${flat.slice(start, start + EXCERPT)}`, terms);
}
