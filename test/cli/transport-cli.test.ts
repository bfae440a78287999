/** `wardpost queue`, `wardpost domain dkim` and `wardpost list` as a user drives them. */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, describe, it } from 'node:test';
import { runCli } from '../helpers/cli.js';

const dataDir = mkdtempSync(path.join(tmpdir(), 'wp-cli-transport-'));
after(() => rmSync(dataDir, { recursive: true, force: true }));
const cli = (args: string[]) => runCli(args, { env: { WARDPOST_DATA_DIR: dataDir } });

describe('transport commands', () => {
  it('prints a domain\'s DKIM record, the same one every time', async () => {
    const a = await cli(['domain', 'dkim', 'wardpost.test']);
    assert.equal(a.code, 0, a.stderr);
    assert.match(a.stdout, /^wp\d{4}\._domainkey\.wardpost\.test\. IN TXT "v=DKIM1; k=rsa; p=[A-Za-z0-9+/=]+"\n$/);
    const b = JSON.parse((await cli(['domain', 'dkim', 'wardpost.test', '--json'])).stdout);
    assert.equal(`${b.name}. IN TXT "${b.value}"\n`, a.stdout);
    const foreign = await cli(['domain', 'dkim', 'example.com']);
    assert.equal(foreign.code, 1);
    assert.match(foreign.stderr, /^wardpost: example\.com is not one of this platform's domains/);
  });

  it('lists an empty queue and refuses to retry what is not there', async () => {
    const list = await cli(['queue', 'list', '--json']);
    assert.equal(list.code, 0, list.stderr);
    assert.deepEqual(JSON.parse(list.stdout), []);
    assert.match((await cli(['queue', 'list'])).stdout, /the queue is empty/);
    for (const [arg, msg] of [['42', /no queued item has id 42/], ['abc', /"abc" is not a queue id/]] as const) {
      const r = await cli(['queue', 'retry', arg]);
      assert.equal(r.code, 1);
      assert.match(r.stderr, msg);
      assert.equal(r.stderr.trim().split('\n').length, 1);
    }
    const bad = await cli(['queue', 'list', '--status', 'lost']);
    assert.equal(bad.code, 1);
  });

  it('creates a distribution list and adds members', async () => {
    assert.equal((await cli(['org', 'create', 'rxh', '--name', 'Royal Example Hospital'])).code, 0);
    const c = await cli(['list', 'create', 'ward7@wardpost.test', '--org', 'rxh', '--name', 'Ward 7']);
    assert.equal(c.code, 0, c.stderr);
    const add = await cli(['list', 'add', 'ward7@wardpost.test', 'a@wardpost.test', 'b@elsewhere.org']);
    assert.equal(add.code, 0, add.stderr);
    assert.match(add.stdout, /2 member\(s\) added/);
    const again = await cli(['list', 'create', 'ward7@wardpost.test', '--org', 'rxh', '--name', 'Ward 7']);
    assert.equal(again.code, 1);
    assert.match(again.stderr, /already in use/);
  });
});
