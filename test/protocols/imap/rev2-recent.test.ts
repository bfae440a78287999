/**
 * IMAP4rev2 once ENABLEd (RFC 9051 Appendix E) and \Recent for IMAP4rev1 sessions (RFC 3501 2.3.2),
 * UNAUTHENTICATE (RFC 8437); raw sockets and Python's imaplib against the real listener.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { PASSWORD, havePeer, python, startImapFixture, type ImapFixture } from './helpers.js';
import { RawImap } from './raw-client.js';

describe('IMAP4rev2 and \\Recent', () => {
  let f: ImapFixture;
  let rev2User: string;
  let rev1User: string;
  const open: RawImap[] = [];
  const connect = async (user: string) => {
    const c = await RawImap.connect(f.tlsPort);
    open.push(c);
    await c.login(user, PASSWORD);
    return c;
  };
  before(async () => {
    f = await startImapFixture();
    rev2User = (await f.user('reva')).address;
    rev1User = (await f.user('revb')).address;
    for (let i = 0; i < 3; i++) await f.deliver(rev2User, { subject: `two ${i}`, body: `rev two body ${i}\r\n` });
    for (let i = 0; i < 3; i++) await f.deliver(rev1User, { subject: `one ${i}`, body: `rev one body ${i}\r\n` });
  });
  after(async () => {
    open.forEach((c) => c.close());
    await f.stop();
  });

  it('advertises IMAP4rev2 beside IMAP4rev1 and enables it', async () => {
    const c = await connect(rev2User);
    const caps = await c.cmd('CAPABILITY');
    assert.match(caps, /^\* CAPABILITY IMAP4rev1 IMAP4rev2 .*STATUS=SIZE.*UNAUTHENTICATE/m);
    assert.match(await c.cmd('ENABLE IMAP4rev2'), /^\* ENABLED IMAP4rev2\r\n/m);
    const sel = await c.cmd('SELECT INBOX');
    assert.match(sel, /^\* 3 EXISTS\r\n/m);
    assert.doesNotMatch(sel, /RECENT|\[UNSEEN/, 'no RECENT response and no UNSEEN code in IMAP4rev2');
    assert.match(sel, /^\* LIST \(\\HasNoChildren\) "\/" INBOX\r\n/m, 'SELECT returns a LIST response');
    const search = await c.cmd('SEARCH BODY "rev two"');
    assert.match(search, /^\* ESEARCH \(TAG "t\d+"\) ALL 1:3\r\n/m);
    assert.doesNotMatch(search, /^\* SEARCH/m);
    assert.match(await c.cmd('UID SEARCH SUBJECT "two 1"'), /^\* ESEARCH \(TAG "t\d+"\) UID ALL 2\r\n/m);
    assert.match(await c.cmd('SEARCH SUBJECT nothing-like-this'), /^\* ESEARCH \(TAG "t\d+"\)\r\n/m);
    const fetch = await c.cmd('FETCH 1:3 FLAGS');
    assert.doesNotMatch(fetch, /\\Recent/);
    const status = await c.cmd('STATUS INBOX (MESSAGES SIZE DELETED)');
    assert.match(status, /^\* STATUS INBOX \(MESSAGES 3 SIZE \d+ DELETED 0\)\r\n/m);
  });

  it('uses UTF-8 mailbox names once IMAP4rev2 is enabled', async () => {
    const c = await connect(rev2User);
    await c.cmd('ENABLE IMAP4rev2');
    assert.match(await c.cmd('CREATE "Préférences"'), /^t\d+ OK/m);
    // The raw client reads bytes as latin1: the UTF-8 name arrives as its bytes.
    assert.ok((await c.cmd('LIST "" "Pr*"')).includes(`"/" "${Buffer.from('Préférences').toString('latin1')}"\r\n`));
    const legacy = await connect(rev2User);
    assert.match(await legacy.cmd('LIST "" "Pr*"'), /^\* LIST \([^)]*\) "\/" "?Pr&AOk-f&AOk-rences"?\r\n/m, 'a rev1 session still sees modified UTF-7');
  });

  it('accepts a binary literal in APPEND (RFC 9051 BINARY)', async () => {
    const c = await connect(rev2User);
    await c.cmd('ENABLE IMAP4rev2');
    const msg = 'From: a@example.org\r\nSubject: binary append\r\n\r\nbody\r\n';
    c.write(`b1 APPEND INBOX ~{${Buffer.byteLength(msg)}}\r\n`);
    await c.waitFor(/^\+ [^\r\n]*\r\n/m);
    c.write(`${msg}\r\n`);
    assert.match(await c.waitFor(/^b1 (OK|NO|BAD)[^\r\n]*\r\n/m), /^b1 OK \[APPENDUID \d+ 4\]/m);
  });

  it('LIST (SUBSCRIBED RECURSIVEMATCH) reports CHILDINFO for a parent whose subscribed child the pattern misses', async () => {
    const c = await connect(rev2User);
    await c.cmd('CREATE Projects/Alpha');
    await c.cmd('UNSUBSCRIBE Projects');
    await c.cmd('SUBSCRIBE Projects/Alpha');
    const out = await c.cmd('LIST (SUBSCRIBED RECURSIVEMATCH) "" "%"');
    assert.match(out, /^\* LIST \(\\HasChildren\) "\/" Projects \("CHILDINFO" \("SUBSCRIBED"\)\)\r\n/m);
    assert.doesNotMatch(out, /Projects\/Alpha/);
  });

  it('IMAP4rev1: the first read-write session gets \\Recent, later ones do not; new mail is \\Recent for one session', async () => {
    const peek = await connect(rev1User);
    // EXAMINE looks without claiming.
    assert.match(await peek.cmd('EXAMINE INBOX'), /^\* 3 RECENT\r\n/m);
    const a = await connect(rev1User);
    const sel = await a.cmd('SELECT INBOX');
    assert.match(sel, /^\* 3 RECENT\r\n/m);
    assert.match(sel, /^\* OK \[UNSEEN 1\]/m);
    assert.match(await a.cmd('FETCH 1 FLAGS'), /^\* 1 FETCH \(FLAGS \(\\Recent\)\)\r\n/m);
    const b = await connect(rev1User);
    assert.match(await b.cmd('SELECT INBOX'), /^\* 0 RECENT\r\n/m);
    assert.match(await b.cmd('FETCH 1 FLAGS'), /^\* 1 FETCH \(FLAGS \(\)\)\r\n/m);
    await b.cmd('LOGOUT');
    await f.deliver(rev1User, { subject: 'late arrival' });
    const noop = await a.cmd('NOOP');
    assert.match(noop, /^\* 4 EXISTS\r\n\* 4 RECENT\r\n/m);
    await a.cmd('STORE 1 +FLAGS (\\Seen)');
    assert.match(await a.cmd('SEARCH RECENT'), /^\* SEARCH 1 2 3 4\r\n/m);
    assert.match(await a.cmd('SEARCH NEW'), /^\* SEARCH 2 3 4\r\n/m);
    assert.match(await a.cmd('SEARCH OLD'), /^\* SEARCH\r\n/m);
    const c = await connect(rev1User);
    assert.match(await c.cmd('STATUS INBOX (RECENT MESSAGES)'), /^\* STATUS INBOX \(RECENT 0 MESSAGES 4\)\r\n/m);
    assert.match(await c.cmd('SELECT INBOX'), /^\* 0 RECENT\r\n/m);
  });

  it('UNAUTHENTICATE returns to the not-authenticated state on the same connection', async () => {
    const c = await connect(rev1User);
    await c.cmd('ENABLE CONDSTORE');
    await c.cmd('SELECT INBOX');
    assert.match(await c.cmd('UNAUTHENTICATE'), /^t\d+ OK/m);
    assert.match(await c.cmd('SELECT INBOX'), /^t\d+ BAD .*sign in first/m);
    assert.match(await c.cmd('CAPABILITY'), /AUTH=PLAIN/);
    await c.login(rev2User, PASSWORD);
    assert.match(await c.cmd('SELECT INBOX'), /^\* 4 EXISTS\r\n/m);
    assert.match(await c.cmd('UID FETCH 1 (FLAGS)'), /^\* 1 FETCH \(UID 1 FLAGS \([^)]*\)\)\r\n/m, 'CONDSTORE was reset: no MODSEQ');
  });

  it('Python imaplib: ENABLE IMAP4rev2, then ESEARCH and the LIST in SELECT', { skip: havePeer('/usr/bin/python3', 'python3') }, async () => {
    const out = await python(`
import imaplib, ssl, os
M = imaplib.IMAP4_SSL('127.0.0.1', int(os.environ['TLSPORT']), ssl_context=ssl._create_unverified_context())
assert 'IMAP4REV2' in M.capabilities, M.capabilities
M.login(os.environ['USER_A'], os.environ['PW'])
typ, data = M.enable('IMAP4rev2')
assert typ == 'OK', (typ, data)
print('enabled', M.response('ENABLED')[1])
typ, data = M.select('INBOX')
assert typ == 'OK', data
print('exists', data[0].decode())
print('list', M.response('LIST')[1])
print('recent', M.response('RECENT')[1])
typ, data = M._simple_command('UID', 'SEARCH', 'SUBJECT', '"two"')
assert typ == 'OK', data
print('esearch', M.response('ESEARCH')[1])
typ, data = M.status('INBOX', '(SIZE)')
print('status', data)
M.logout()
`, { TLSPORT: String(f.tlsPort), USER_A: rev2User, PW: PASSWORD });
    assert.match(out, /^enabled \[b'IMAP4rev2'\]$/m);
    assert.match(out, /^exists 4$/m);
    assert.match(out, /^list \[b'\(\\\\HasNoChildren\) "\/" INBOX'\]$/m);
    assert.match(out, /^recent \[None\]$/m);
    assert.match(out, /^esearch \[b'\(TAG "[^"]+"\) UID ALL 1:3'\]$/m);
    assert.match(out, /^status \[b'INBOX \(SIZE \d+\)'\]$/m);
  });
});
