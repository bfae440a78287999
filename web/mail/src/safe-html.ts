/**
 * Mail HTML made safe to show: sanitised with DOMPurify (scripts, event handlers, forms, frames,
 * meta and link elements removed), links opened in a new tab without a referrer, and every
 * remote resource (images, CSS url()) removed until the reader asks for it. The result is shown
 * in a sandboxed frame without allow-scripts whose own Content-Security-Policy forbids scripts and,
 * until allowed, remote images: three independent locks (sanitiser, sandbox, policy).
 */
import DOMPurify from 'dompurify';

const REMOTE = /^(https?:)?\/\//i;
const CSS_URL = /url\(\s*(['"]?)(.*?)\1\s*\)/gi;

export interface SafeHtml {
  /** The whole document for the frame's srcdoc. */
  doc: string;
  /** How many remote resources were held back (0 when allowed or none). */
  blocked: number;
}

/** Rewrites url(...) in CSS: remote ones dropped unless allowed, anything but data:/remote always. */
function cleanCss(css: string, allowRemote: boolean, count: () => void): string {
  return css.replace(/@import[^;]*;?/gi, '').replace(CSS_URL, (whole, _q: string, url: string) => {
    if (/^data:image\//i.test(url)) return whole;
    if (REMOTE.test(url) && allowRemote) return whole;
    if (REMOTE.test(url)) count();
    return 'none';
  });
}

/** Sanitises mail HTML (RFC 2045 text/html part) for the reading pane. */
export function safeMailHtml(html: string, opts: { allowRemote: boolean; inline?: Record<string, string> }): SafeHtml {
  let blocked = 0;
  const count = () => {
    blocked++;
  };
  const purify = DOMPurify(window);
  purify.addHook('uponSanitizeElement', (node, data) => {
    if (data.tagName === 'style' && node.textContent) node.textContent = cleanCss(node.textContent, opts.allowRemote, count);
  });
  purify.addHook('afterSanitizeAttributes', (node) => {
    const el = node as Element;
    if (el.tagName === 'A' || el.tagName === 'AREA') {
      el.setAttribute('target', '_blank');
      el.setAttribute('rel', 'noopener noreferrer');
    }
    for (const attr of ['src', 'background', 'poster']) {
      const v = el.getAttribute(attr);
      if (v === null) continue;
      const cid = /^cid:(.+)$/i.exec(v.trim());
      if (cid && opts.inline?.[cid[1]!]) el.setAttribute(attr, opts.inline[cid[1]!]!);
      else if (/^data:image\//i.test(v.trim())) continue;
      else if (REMOTE.test(v.trim()) && opts.allowRemote) continue;
      else {
        if (REMOTE.test(v.trim())) count();
        el.removeAttribute(attr);
        if (el.tagName === 'IMG') el.setAttribute('data-blocked', 'remote image');
      }
    }
    if (el.hasAttribute('srcset')) {
      if (!opts.allowRemote) count();
      if (!opts.allowRemote) el.removeAttribute('srcset');
    }
    const style = el.getAttribute('style');
    if (style && /url\(/i.test(style)) el.setAttribute('style', cleanCss(style, opts.allowRemote, count));
  });
  const clean = purify.sanitize(html, {
    USE_PROFILES: { html: true },
    FORBID_TAGS: ['form', 'input', 'button', 'textarea', 'select', 'option', 'meta', 'link', 'base', 'iframe', 'frame', 'frameset', 'object', 'embed', 'audio', 'video', 'source', 'track', 'picture', 'portal'],
    FORBID_ATTR: ['action', 'formaction', 'ping'],
    ADD_TAGS: ['style'],
    FORCE_BODY: true,
  });
  const imgSrc = opts.allowRemote ? 'data: blob: http: https:' : 'data: blob:';
  const csp = `default-src 'none'; script-src 'none'; style-src 'unsafe-inline'; img-src 'self' ${imgSrc}; font-src data:; form-action 'none'`;
  const doc = `<!doctype html><html><head><meta charset="utf-8"><meta http-equiv="Content-Security-Policy" content="${csp}"><base target="_blank"><style>html,body{margin:0;padding:0}body{font:15px/1.5 Arial,'Liberation Sans',sans-serif;color:#212b32;overflow-wrap:anywhere;padding:2px}img{max-width:100%;height:auto}pre{white-space:pre-wrap}</style></head><body>${clean}</body></html>`;
  return { doc, blocked };
}

/** Search snippets (RFC 8621 section 5.1) are escaped text with <mark> only: keep just that. */
export function snippetHtml(s: string): string {
  return DOMPurify.sanitize(s, { ALLOWED_TAGS: ['mark'], ALLOWED_ATTR: [] });
}
