/** Autologout (RFC 9051 section 5.4): silent connections are closed with BYE, before and after sign-in (timeouts shortened). */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { pino } from 'pino';
import { after, before, describe, it } from 'node:test';
import { startImap, type ImapListeners } from '../../../src/protocols/imap/server.js';
import { PASSWORD, startImapFixture, type ImapFixture } from './helpers.js';
import { RawImap } from './raw-client.js';

describe('IMAP autologout', () => {
  let f: ImapFixture;
  let imap: ImapListeners;
  let user: string;
  before(async () => {
    f = await startImapFixture();
    user = (await f.user('sleepy')).address;
    const cfgDir = f.dataDir;
    imap = await startImap(
      {
        services: f.server.platform.services,
        logger: pino({ level: 'silent' }),
        hostname: 'localhost',
        tls: { cert: readFileSync(`${cfgDir}/tls/cert.pem`), key: readFileSync(`${cfgDir}/tls/key.pem`) },
        limits: { preAuthTimeoutMs: 300, idleTimeoutMs: 1500 },
      },
      '127.0.0.1',
      { imap: 0, imaps: 0 },
    );
  });
  after(async () => {
    await imap.close();
    await f.stop();
  });

  it('closes a silent connection before sign-in, and an idle one after, with BYE', async () => {
    const a = await RawImap.connect(imap.ports.imaps);
    await a.waitFor(/^\* BYE Autologout[^\r\n]*\r\n/m, 5000);
    const b = await RawImap.connect(imap.ports.imaps);
    await b.login(user, PASSWORD);
    // Over half the idle limit (shared CI machines stall for a few hundred ms) but well short of it.
    await new Promise((r) => setTimeout(r, 900));
    assert.match(await b.cmd('NOOP'), /OK/, 'activity resets the timer');
    await b.waitFor(/^\* BYE Autologout[^\r\n]*\r\n/m, 5000);
    await new Promise((r) => setTimeout(r, 100));
    assert.ok(b.closed);
    assert.equal(imap.connections(), 0);
  });
});
