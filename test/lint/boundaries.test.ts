/**
 * The layer rules of ARCHITECTURE.md are enforced by eslint's no-restricted-imports; this proves
 * the rules bite, by linting imports that break them (the files are linted as text, never written).
 */
import assert from 'node:assert/strict';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { it } from 'node:test';
import { ESLint } from 'eslint';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
const eslint = new ESLint({ cwd: root });

async function violations(file: string, code: string): Promise<string[]> {
  const [res] = await eslint.lintText(code, { filePath: path.join(root, file) });
  return res!.messages.filter((m) => m.ruleId === 'no-restricted-imports').map((m) => m.message);
}

const cases: [string, string, RegExp | null][] = [
  ['src/protocols/imap/x.ts', "import '../smtp/server.js';", /never imports another protocol/],
  ['src/protocols/imap/commands/x.ts', "import '../../http/http-server.js';", /never imports another protocol/],
  ['src/protocols/smtp/x.ts', "import '../../store/sqlite/sqlite-store.js';", /Concrete store engines/],
  ['src/protocols/jmap/x.ts', "import '../../store/postgres/postgres-store.js';", /Concrete store engines/],
  ['src/protocols/ldap/x.ts', "import '../../app/platform.js';", /composition root/],
  ['src/core/mail/x.ts', "import '../../protocols/imap/proto/framer.js';", /must not depend on a protocol/],
  ['src/core/x.ts', "import '../store/sqlite/sqlite-store.js';", /Concrete store engines/],
  ['src/core/x.ts', "import '../gateways/sms/smpp.js';", /gateway interfaces/],
  ['src/store/x.ts', "import '../core/services.js';", /knows rows, not domain rules/],
  // Allowed directions produce no violation.
  ['src/protocols/imap/x.ts', "import '../../core/services.js';", null],
  ['src/protocols/imap/commands/x.ts', "import '../proto/framer.js';", null],
  ['src/core/mail/x.ts', "import '../../store/types.js';", null],
  ['src/app/x.ts', "import '../store/open.js';", null],
];

for (const [file, code, expected] of cases) {
  it(`${file}: ${code} ${expected ? 'is refused' : 'is allowed'}`, async () => {
    const found = await violations(file, code);
    if (expected) assert.ok(found.some((m) => expected.test(m)), `expected a violation matching ${expected}, got ${JSON.stringify(found)}`);
    else assert.deepEqual(found, []);
  });
}
