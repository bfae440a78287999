// Builds the two web apps, each with its own base path, to web/dist/<app>, served by the HTTP door
// (src/protocols/http/static.ts):
//   vite build --config web/vite.config.ts               the administration portal (web/admin) at /admin/
//   vite build --config web/vite.config.ts --mode mail   webmail (web/mail) at /
// One config, one table of apps: an app differs only by folder and base path. Everything is
// bundled: no fonts or scripts from elsewhere.
import { fileURLToPath } from 'node:url';
import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

const here = (p: string) => fileURLToPath(new URL(p, import.meta.url));

const APPS: Record<string, { dir: string; base: string }> = {
  admin: { dir: 'admin', base: '/admin/' },
  mail: { dir: 'mail', base: '/' },
};

export default defineConfig(({ mode }) => {
  const app = APPS[mode] ?? APPS.admin!;
  return {
    root: here(`./${app.dir}`),
    base: app.base,
    plugins: [react()],
    logLevel: 'warn',
    build: {
      outDir: here(`./dist/${app.dir}`),
      emptyOutDir: true,
      sourcemap: false,
      assetsDir: 'assets',
    },
    server: {
      // `npx vite --config web/vite.config.ts [--mode mail]` for development against a running
      // `wardpost serve` (JMAP, the REST API and the event source are proxied to it).
      proxy: { '/api': 'http://127.0.0.1:8080', '/jmap': 'http://127.0.0.1:8080', '/.well-known/jmap': 'http://127.0.0.1:8080' },
    },
  };
});
