// Builds the administration portal (web/admin) to web/dist/admin, served at /admin/ by the HTTP door
// (src/protocols/http/static.ts). Everything is bundled: no fonts or scripts from elsewhere.
import { fileURLToPath } from 'node:url';
import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

const here = (p: string) => fileURLToPath(new URL(p, import.meta.url));

export default defineConfig({
  root: here('./admin'),
  base: '/admin/',
  plugins: [react()],
  logLevel: 'warn',
  build: {
    outDir: here('./dist/admin'),
    emptyOutDir: true,
    sourcemap: false,
    assetsDir: 'assets',
  },
  server: {
    // `npx vite --config web/vite.config.ts` for development against a running `wardpost serve`.
    proxy: { '/api': 'http://127.0.0.1:8080' },
  },
});
