/** /healthz answers 200 only when the store and every door (HTTP, SMTP, submission, IMAP, LDAP) answer. */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, describe, it } from 'node:test';
import { probeDoor, probeDoors, SMTP_PROBE } from '../../src/app/health.js';
import { startQuietServer } from '../helpers/server.js';

const dataDir = mkdtempSync(path.join(tmpdir(), 'wardpost-health-'));
after(() => rmSync(dataDir, { recursive: true, force: true }));

describe('/healthz', () => {
  it('answers 200 naming every door it reached over its own protocol', async () => {
    const { server } = await startQuietServer({ WARDPOST_DATA_DIR: dataDir });
    try {
      const res = await fetch(`${server.urls.health}`);
      assert.equal(res.status, 200);
      const body = (await res.json()) as { status: string; checks: Record<string, string> };
      assert.equal(body.status, 'ok');
      for (const door of ['store', 'http', 'smtp', 'submission', 'submissions', 'imap', 'imaps', 'ldap', 'ldaps']) {
        assert.equal(body.checks[door], 'ok', `${door} is checked`);
      }
      // A probe of a real SMTP door gets its 220 and leaves with QUIT.
      const smtpPort = Number(/:(\d+) \(MX\)/.exec(server.urls.smtp!)![1]);
      await probeDoor({ name: 'smtp', host: '127.0.0.1', port: smtpPort, ...SMTP_PROBE });
    } finally {
      await server.stop();
    }
  });

  it('fails naming a door that is closed, or open but silent', async () => {
    // A port nobody listens on, and a listener that accepts but never greets.
    const closed = net.createServer();
    await new Promise<void>((r) => closed.listen(0, '127.0.0.1', r));
    const closedPort = (closed.address() as net.AddressInfo).port;
    await new Promise<void>((r) => closed.close(() => r()));
    const silent = net.createServer(() => undefined);
    await new Promise<void>((r) => silent.listen(0, '127.0.0.1', r));
    const silentPort = (silent.address() as net.AddressInfo).port;
    try {
      await assert.rejects(probeDoors([{ name: 'imap', host: '127.0.0.1', port: closedPort }]), /imap \(port \d+\) does not answer/);
      await assert.rejects(probeDoors([{ name: 'smtp', host: '127.0.0.1', port: silentPort, ...SMTP_PROBE }], 300), /smtp .*no answer within 300 ms/);
    } finally {
      silent.close();
    }
  });
});
