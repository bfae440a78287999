/**
 * Fuzzing the live listener: thousands of random and mutated command lines, literals with lying
 * lengths, huge sequence sets and deep nesting, before and after sign-in. Every batch must be
 * answered (BAD/NO/OK) or the connection closed; the server must keep serving and its memory
 * must stay bounded.
 */
import assert from 'node:assert/strict';
import net from 'node:net';
import { after, before, describe, it } from 'node:test';
import { PASSWORD, startImapFixture, type ImapFixture } from './helpers.js';
import { RawImap } from './raw-client.js';

const SEEDS = [
  'a CAPABILITY', 'a NOOP', 'a LOGIN user pass', 'a SELECT INBOX', 'a EXAMINE "Sent"', 'a FETCH 1:* (FLAGS ENVELOPE)',
  'a UID FETCH 1:* (BODY.PEEK[HEADER.FIELDS (SUBJECT FROM)]<0.100>)', 'a FETCH 1 BODY[1.2.MIME]', 'a STORE 1 +FLAGS.SILENT (\\Seen)',
  'a SEARCH OR FROM x NOT (SUBJECT "y" SINCE 1-Jan-2020) UID 1:5', 'a UID SEARCH RETURN (MIN MAX COUNT) TEXT hello',
  'a LIST "" "*"', 'a LIST (SUBSCRIBED) "" ("INBOX" "Sent") RETURN (CHILDREN STATUS (MESSAGES))', 'a STATUS INBOX (MESSAGES UNSEEN UIDNEXT)',
  'a CREATE "a/b/c"', 'a RENAME a b', 'a DELETE b', 'a COPY 1:2 Trash', 'a UID MOVE 1 Archive', 'a EXPUNGE', 'a UID EXPUNGE 1:3',
  'a APPEND INBOX (\\Seen) "21-Nov-2026 10:00:00 +0000" {5+}\r\nhello', 'a GETACL INBOX', 'a SETACL INBOX x@y lr', 'a MYRIGHTS INBOX',
  'a GETQUOTAROOT INBOX', 'a ENABLE CONDSTORE', 'a ID ("name" "x")', 'a NAMESPACE', 'a UNSELECT', 'a CLOSE', 'a AUTHENTICATE PLAIN =',
  'a FETCH 1:* (UID) (CHANGEDSINCE 1)', 'a STORE 1:* (UNCHANGEDSINCE 5) FLAGS ()',
];

let seed = 12345;
const rnd = (n: number) => {
  seed = (seed * 1103515245 + 12345) & 0x7fffffff;
  return seed % n;
};
const CHARS = '()[]{}<>"\\*%:.,+-~ 0123456789AaZz\r\n\x00\x7f\xff';

function mutate(line: string): string {
  const kind = rnd(10);
  let s = line;
  switch (kind) {
    case 0: return s.slice(0, rnd(s.length + 1));
    case 1: return s + s.slice(rnd(s.length));
    case 2: {
      const arr = [...s];
      for (let i = 0; i < 1 + rnd(4); i++) arr[rnd(arr.length)] = CHARS[rnd(CHARS.length)]!;
      return arr.join('');
    }
    case 3: return `a FETCH ${Array.from({ length: 2000 }, (_, i) => `${i * 3 + 1}:${i * 3 + 2}`).join(',')} (FLAGS)`;
    case 4: return `a SEARCH ${'('.repeat(50 + rnd(400))}ALL${')'.repeat(rnd(500))}`;
    case 5: return `a APPEND INBOX {${rnd(40)}+}\r\n${'x'.repeat(rnd(40))}`;
    case 6: return `a LOGIN {${1 + rnd(1000000)}}`;
    case 7: return `a FETCH 1:4294967295 (BODY[${Array.from({ length: rnd(30) }, () => 1 + rnd(9)).join('.')}]<${rnd(1e9)}.${rnd(1e9)}>)`;
    case 8: s = Array.from({ length: 1 + rnd(30) }, () => CHARS[rnd(CHARS.length)]).join(''); return s;
    default: return SEEDS[rnd(SEEDS.length)]!;
  }
}

describe('IMAP fuzz against the live socket', () => {
  let f: ImapFixture;
  let user: string;
  before(async () => {
    f = await startImapFixture();
    user = (await f.user('fuzz')).address;
    for (let i = 0; i < 5; i++) await f.deliver(user, { subject: `fuzz ${i}` });
  });
  after(async () => f.stop());

  async function run(c: RawImap | net.Socket, lines: string[]): Promise<'answered' | 'closed' | 'waiting'> {
    if (c instanceof RawImap) {
      c.write(lines.map((l) => `${l}\r\n`).join(''));
      try {
        await c.cmd('NOOP', 1000);
        return 'answered';
      } catch {
        return c.closed ? 'closed' : 'waiting';
      }
    }
    throw new Error('unreachable');
  }

  it('survives thousands of hostile lines, answering or closing', async () => {
    const rssBefore = process.memoryUsage().rss;
    const outcome = { answered: 0, closed: 0, waiting: 0 };
    let c: RawImap | null = null;
    let lines = 0;
    for (let batch = 0; batch < 300; batch++) {
      if (!c || c.closed) {
        c = await RawImap.connect(f.tlsPort);
        if (batch % 2 === 0) {
          await c.login(user, PASSWORD);
          await c.cmd('SELECT INBOX');
        }
      }
      const n = 5 + rnd(20);
      const batchLines = Array.from({ length: n }, () => mutate(SEEDS[rnd(SEEDS.length)]!));
      lines += n;
      const r = await run(c, batchLines);
      outcome[r]++;
      if (r !== 'answered') {
        c.close();
        c = null;
      }
    }
    c?.close();
    assert.ok(lines > 3000, `sent ${lines} lines`);
    assert.ok(outcome.answered > 150, JSON.stringify(outcome));
    // Still serving, and correctly.
    const ok = await RawImap.connect(f.tlsPort);
    await ok.login(user, PASSWORD);
    assert.match(await ok.cmd('SELECT INBOX'), /EXISTS/);
    ok.close();
    const grown = (process.memoryUsage().rss - rssBefore) / 1024 / 1024;
    assert.ok(grown < 300, `RSS grew ${grown.toFixed(0)} MB`);
    console.log(`fuzz: ${lines} lines, ${JSON.stringify(outcome)}, RSS +${grown.toFixed(0)} MB`);
  });

  it('closes or refuses on the plain port: garbage, oversized lines and literals before TLS', async () => {
    const send = (data: string | Buffer) =>
      new Promise<string>((resolve) => {
        const s = net.connect(f.port, '127.0.0.1');
        let got = '';
        s.setEncoding('latin1');
        s.on('data', (d: string) => (got += d));
        s.on('error', () => undefined);
        s.on('connect', () => {
          s.write(data);
          setTimeout(() => {
            s.destroy();
            resolve(got);
          }, 500);
        });
      });
    assert.match(await send('x'.repeat(200_000) + '\r\na NOOP\r\n'), /BAD[\s\S]*a OK/);
    assert.match(await send('a LOGIN {99999999999999999999}\r\n'), /BAD|BYE/);
    assert.match(await send('a LOGIN u p\r\n'), /a NO \[PRIVACYREQUIRED\]/);
    assert.match(await send(Buffer.from([0, 1, 2, 255, 13, 10])), /BAD/);
    assert.match(await send('a SELECT INBOX\r\n'), /a BAD .*sign in first/);
  });

  it('a client that does not read cannot make the server buffer without bound', { timeout: 120_000 }, async () => {
    const big = (await f.user('slowreader')).address;
    for (let i = 0; i < 8; i++) await f.deliver(big, { subject: `big ${i}`, bytes: 1_000_000 });
    const c = await RawImap.connect(f.tlsPort);
    await c.login(big, PASSWORD);
    await c.cmd('SELECT INBOX');
    // From here on bytes are only counted (the test client must not be the bottleneck).
    c.socket.removeAllListeners('data');
    c.socket.pause();
    let tail = '';
    let received = 0;
    const done = new Promise<void>((resolve) => {
      c.socket.on('data', (d: string) => {
        received += d.length;
        tail = (tail + d).slice(-200);
        if (/f15 OK[^\r\n]*\r\n/.test(tail)) resolve();
      });
    });
    const rss0 = process.memoryUsage().rss;
    // 16 x 8 MB asked for, nothing read for two seconds.
    c.write(Array.from({ length: 16 }, (_, i) => `f${i} FETCH 1:* (BODY.PEEK[])\r\n`).join(''));
    await new Promise((r) => setTimeout(r, 2000));
    const grown = (process.memoryUsage().rss - rss0) / 1024 / 1024;
    c.socket.resume();
    await done;
    c.close();
    assert.ok(received > 16 * 8_000_000, `received ${received}`);
    assert.ok(grown < 64, `server buffered ${grown.toFixed(0)} MB for a client that did not read`);
  });
});
