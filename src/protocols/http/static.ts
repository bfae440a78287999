/**
 * The two web apps, Vite builds in web/dist/<app> (`npm run build:web`):
 *   - webmail at / (web/dist/mail), talking JMAP only;
 *   - the administration portal at /admin/ (web/dist/admin), talking to /api/v1.
 * Hashed files under <base>assets/ are cached for a year; every other path of an app is a page of
 * the single-page app and gets index.html (never cached, so a new build is picked up at once).
 * Until an app is built, its pages answer 503 saying how to build it. Webmail answers its own page
 * paths (WEBMAIL_PAGES); paths under the other doors' prefixes (/api, /jmap, /dav, /.well-known, ...)
 * that no route answers, and any unknown path, stay a JSON 404 rather than turning into a webmail page.
 */
import { existsSync } from 'node:fs';
import { readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.json': 'application/json',
  '.map': 'application/json',
  '.woff2': 'font/woff2',
  '.txt': 'text/plain; charset=utf-8',
};

const COMMON_HEADERS: Record<string, string> = {
  'x-content-type-options': 'nosniff',
  'x-frame-options': 'DENY',
  'referrer-policy': 'no-referrer',
};

/** Scripts, styles and images from this origin only; no framing (clickjacking), no referrer leaks. */
const ADMIN_CSP = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'";

/**
 * Webmail shows mail in a sandboxed srcdoc frame, and such a frame inherits this policy: mail's own
 * inline styles need 'unsafe-inline' for styles (never for scripts), and remote images the reader
 * chose to show need http(s) images. The frame adds a stricter policy of its own (no remote images
 * until asked, nothing else remote, no scripts at all) and the sanitiser removes what it can first.
 */
const MAIL_CSP = "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data: blob: https: http:; font-src 'self' data:; connect-src 'self'; frame-src 'self'; object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'";

/** Path prefixes of the other doors: webmail never answers under them. */
const OTHER_DOORS = ['api/', 'jmap', '.well-known/', 'dav/', 'admin/', 'healthz', 'metrics', 'autodiscover/'];

/**
 * The webmail's own page paths (its client routes; add one here when the app gains a screen).
 * Anything else at the top level that is not a built file is a 404, as on any web server, so a
 * mistyped link or a scanner's probe does not get the app with a 200.
 */
const WEBMAIL_PAGES = ['mailbox', 'settings', 'calendar', 'contacts', 'directory', 'sms', 'compose', 'search'];

/** True when `rel` (a path under /, without the slash) is a webmail page or one of its built files. */
function webmailClaims(rel: string, root: string): boolean {
  if (OTHER_DOORS.some((p) => rel === p.replace(/\/$/, '') || rel.startsWith(p))) return false;
  if (rel === '' || rel === 'index.html' || rel.startsWith('assets/')) return true;
  if (WEBMAIL_PAGES.some((p) => rel === p || rel.startsWith(`${p}/`))) return true;
  // A file the build put at its top (icons, manifest).
  return !rel.includes('/') && existsSync(path.join(root, rel));
}

interface WebApp {
  /** Shown in the 503 while unbuilt. */
  title: string;
  /** URL prefix with trailing slash: '/admin/' or '/'. */
  base: string;
  dir: string;
  csp: string;
}

/** web/dist/<app> in the checkout: this file runs from dist/src/protocols/http (or src/protocols/http). */
function defaultAppDir(app: string): string {
  const here = path.dirname(fileURLToPath(import.meta.url));
  const candidates = [path.resolve(here, `../../../../web/dist/${app}`), path.resolve(here, `../../../web/dist/${app}`)];
  return candidates.find((d) => existsSync(path.join(d, 'index.html'))) ?? candidates[0]!;
}

function serveApp(app: FastifyInstance, web: WebApp, claims: (rel: string) => boolean): void {
  const root = path.resolve(web.dir);
  const headers = { ...COMMON_HEADERS, 'content-security-policy': web.csp };

  const page = async (reply: FastifyReply) => {
    const index = path.join(root, 'index.html');
    if (!existsSync(index)) {
      return reply
        .code(503)
        .header('content-type', 'text/plain; charset=utf-8')
        .header('cache-control', 'no-store')
        .send(`${web.title} has not been built yet: run npm run build (or npm run build:web) and reload this page.\n`);
    }
    return reply.code(200).headers(headers).header('content-type', TYPES['.html']).header('cache-control', 'no-cache').send(await readFile(index));
  };

  const handler = async (req: FastifyRequest, reply: FastifyReply) => {
    // find-my-way has already decoded the wildcard.
    const rel = ((req.params as Record<string, string>)['*'] ?? '').split('?')[0] ?? '';
    if (!claims(rel)) return reply.code(404).send({ error: 'not_found', message: `nothing at ${req.url}` });
    // Built files come from the build folder, never from outside it: the hashed assets, and any
    // other file the build put at its top (icons). Everything else is a page of the app, including
    // paths that end like file names (/admin/accounts/jane@rxh.nhs.example).
    const file = path.resolve(root, rel);
    const inside = file.startsWith(root + path.sep) && !rel.includes('\0');
    const hashed = rel.startsWith('assets/');
    const info = inside && rel !== 'index.html' ? await stat(file).catch(() => null) : null;
    if (hashed && !info?.isFile()) return reply.code(404).send({ error: 'not_found', message: `nothing at ${req.url}` });
    if (info?.isFile()) {
      return reply
        .code(200)
        .headers(headers)
        .header('content-type', TYPES[path.extname(rel).toLowerCase()] ?? 'application/octet-stream')
        .header('cache-control', hashed ? 'public, max-age=31536000, immutable' : 'no-cache')
        .send(await readFile(file));
    }
    return page(reply);
  };

  if (web.base !== '/') app.get(web.base.slice(0, -1), async (_req, reply) => reply.redirect(web.base, 301));
  app.get(`${web.base}*`, handler);
}

export function registerAdminPortal(app: FastifyInstance, opts: { dir?: string } = {}): void {
  serveApp(app, { title: 'The administration portal', base: '/admin/', dir: opts.dir ?? defaultAppDir('admin'), csp: ADMIN_CSP }, () => true);
}

/** Webmail at /: its page paths and built files; everything else is left to the other doors or a 404. */
export function registerWebmail(app: FastifyInstance, opts: { dir?: string } = {}): void {
  const dir = opts.dir ?? defaultAppDir('mail');
  serveApp(app, { title: 'Webmail', base: '/', dir, csp: MAIL_CSP }, (rel) => webmailClaims(rel, path.resolve(dir)));
}
