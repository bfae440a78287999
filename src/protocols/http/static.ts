/**
 * The administration portal at /admin/: the Vite build in web/dist/admin (`npm run build:web`).
 * Hashed files under /admin/assets/ are cached for a year; every other /admin/... path is a page
 * of the single-page app and gets index.html (never cached, so a new build is picked up at once).
 * Until the portal is built, /admin/ answers 503 saying how to build it.
 */
import { existsSync } from 'node:fs';
import { readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { FastifyInstance, FastifyReply } from 'fastify';

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

/** Scripts, styles and images from this origin only; no framing (clickjacking), no referrer leaks. */
const SECURITY_HEADERS: Record<string, string> = {
  'content-security-policy': "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'",
  'x-content-type-options': 'nosniff',
  'x-frame-options': 'DENY',
  'referrer-policy': 'no-referrer',
};

/** web/dist/admin in the checkout: this file runs from dist/src/protocols/http (or src/protocols/http). */
export function defaultPortalDir(): string {
  const here = path.dirname(fileURLToPath(import.meta.url));
  const candidates = [path.resolve(here, '../../../../web/dist/admin'), path.resolve(here, '../../../web/dist/admin')];
  return candidates.find((d) => existsSync(path.join(d, 'index.html'))) ?? candidates[0]!;
}

export function registerAdminPortal(app: FastifyInstance, opts: { dir?: string } = {}): void {
  const root = path.resolve(opts.dir ?? defaultPortalDir());

  const page = async (reply: FastifyReply) => {
    const index = path.join(root, 'index.html');
    if (!existsSync(index)) {
      return reply
        .code(503)
        .header('content-type', 'text/plain; charset=utf-8')
        .header('cache-control', 'no-store')
        .send('The administration portal has not been built yet: run npm run build (or npm run build:web) and reload this page.\n');
    }
    return reply.code(200).headers(SECURITY_HEADERS).header('content-type', TYPES['.html']).header('cache-control', 'no-cache').send(await readFile(index));
  };

  app.get('/admin', async (_req, reply) => reply.redirect('/admin/', 301));

  app.get('/admin/*', async (req, reply) => {
    // find-my-way has already decoded the wildcard.
    const rel = ((req.params as Record<string, string>)['*'] ?? '').split('?')[0] ?? '';
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
        .headers(SECURITY_HEADERS)
        .header('content-type', TYPES[path.extname(rel).toLowerCase()] ?? 'application/octet-stream')
        .header('cache-control', hashed ? 'public, max-age=31536000, immutable' : 'no-cache')
        .send(await readFile(file));
    }
    return page(reply);
  });
}
