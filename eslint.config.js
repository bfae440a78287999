// Lint rules, including the import boundaries of ARCHITECTURE.md:
//   protocols/<p>  may import core/, store *interfaces* and gateways interfaces, never another protocol
//                  nor a concrete store engine (store/sqlite, store/postgres);
//   core/          never imports a protocol, the CLI or a concrete store engine or gateway.
// The rules match on the import string with regular expressions so relative paths are caught too.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

const PROTOCOLS = ['smtp', 'imap', 'jmap', 'dav', 'ldap', 'http'];
const ENGINE = { regex: '(^|/)store/(sqlite|postgres)(/|$)', message: 'Concrete store engines are chosen in the composition root only; import the Store interface.' };

const protocolBoundaries = PROTOCOLS.map((p) => ({
  files: [`src/protocols/${p}/**/*.ts`],
  rules: {
    'no-restricted-imports': ['error', {
      patterns: [
        ENGINE,
        { regex: `(^|/)(${PROTOCOLS.filter((o) => o !== p).join('|')})(/|$)`, message: 'A protocol never imports another protocol: share the logic through core/.' },
        { regex: '(^|/)(cli|app)(/|$)', message: 'Protocols do not import the CLI or the composition root.' },
      ],
    }],
  },
}));

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', 'data/**', 'web/dist/**', 'test-artifacts/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { process: 'readonly', console: 'readonly', Buffer: 'readonly', setTimeout: 'readonly', clearTimeout: 'readonly', setInterval: 'readonly', clearInterval: 'readonly', setImmediate: 'readonly', URL: 'readonly' } },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      'max-lines': ['error', { max: 800, skipBlankLines: true, skipComments: true }],
    },
  },
  {
    files: ['src/core/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', {
        patterns: [
          ENGINE,
          { regex: '(^|/)protocols(/|$)', message: 'core/ must not depend on a protocol.' },
          { regex: '(^|/)(cli|app)(/|$)', message: 'core/ must not depend on the CLI or the composition root.' },
          { regex: '(^|/)gateways/[^/]+/', message: 'core/ imports gateway interfaces (gateways/types) only.' },
        ],
      }],
    },
  },
  {
    files: ['src/store/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', {
        patterns: [
          { regex: '(^|/)protocols(/|$)', message: 'The store must not depend on a protocol.' },
          { regex: '(^|/)(cli|app)(/|$)', message: 'The store must not depend on the CLI or the composition root.' },
          { regex: '(^|/)core(/|$)', message: 'The store knows rows, not domain rules: core/ depends on the store, not the reverse.' },
        ],
      }],
    },
  },
  ...protocolBoundaries,
  {
    // The admin portal (web/): browser code, built by Vite with its own tsconfig. It talks to the
    // server over HTTP only, so it must not import anything from src/.
    files: ['web/**/*.{ts,tsx}'],
    languageOptions: { globals: { window: 'readonly', document: 'readonly', fetch: 'readonly', sessionStorage: 'readonly', navigator: 'readonly' } },
    rules: {
      'no-restricted-imports': ['error', { patterns: [{ regex: '(^|/)src/|^\\.\\./\\.\\./\\.\\./src', message: 'The portal talks to the server through /api/v1 only; it does not import server code.' }] }],
    },
  },
);
