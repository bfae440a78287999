/** Python's imaplib (the system /usr/bin/python3) against the real listeners. */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { PASSWORD, havePeer, python, startImapFixture, type ImapFixture } from './helpers.js';

const PRELUDE = `
import imaplib, ssl, os, sys, re
ctx = ssl._create_unverified_context()
USER = os.environ['USER_A']; PW = os.environ['PW']
def ok(res, what):
    typ, data = res
    assert typ == 'OK', (what, typ, data)
    return data
`;

describe('IMAP with Python imaplib', () => {
  let f: ImapFixture;
  let user: string;
  const missing = havePeer('/usr/bin/python3', 'python3');
  before(async () => {
    f = await startImapFixture();
    user = (await f.user('alice')).address;
    for (let i = 0; i < 3; i++) await f.deliver(user, { subject: `hello ${i}`, body: `body number ${i}\r\n` });
  });
  after(async () => f.stop());
  const env = () => ({ PORT: String(f.port), TLSPORT: String(f.tlsPort), USER_A: user, PW: PASSWORD });

  it('refuses LOGIN before STARTTLS, then signs in after it', { skip: missing }, async () => {
    const out = await python(PRELUDE + `
M = imaplib.IMAP4('127.0.0.1', int(os.environ['PORT']))
assert 'LOGINDISABLED' in M.capabilities and 'STARTTLS' in M.capabilities, M.capabilities
try:
    M.login(USER, PW); print('login-accepted')
except imaplib.IMAP4.error as e:
    print('refused', e)
M.starttls(ssl_context=ctx)
assert 'LOGINDISABLED' not in M.capabilities
ok(M.login(USER, PW), 'login')
ok(M.logout(), 'logout') if False else M.logout()
print('done')
`, env());
    assert.match(out, /refused/);
    assert.match(out, /done/);
  });

  it('AUTHENTICATE PLAIN over implicit TLS; wrong password is NO', { skip: missing }, async () => {
    const out = await python(PRELUDE + `
M = imaplib.IMAP4_SSL('127.0.0.1', int(os.environ['TLSPORT']), ssl_context=ctx)
try:
    M.authenticate('PLAIN', lambda _: ('\\0' + USER + '\\0wrong-password').encode()); print('bad-accepted')
except imaplib.IMAP4.error as e:
    print('refused', e)
ok(M.authenticate('PLAIN', lambda _: ('\\0' + USER + '\\0' + PW).encode()), 'auth')
print(M.state)
M.logout()
`, env());
    assert.match(out, /refused .*AUTHENTICATIONFAILED/);
    assert.match(out, /SELECTED|AUTH/);
  });

  it('LIST with SPECIAL-USE, SELECT, FETCH, SEARCH, STORE, COPY, MOVE, EXPUNGE, APPEND, STATUS, NAMESPACE, QUOTA', { skip: missing }, async () => {
    const out = await python(PRELUDE + `
M = imaplib.IMAP4_SSL('127.0.0.1', int(os.environ['TLSPORT']), ssl_context=ctx)
ok(M.login(USER, PW), 'login')
lst = b'\\n'.join(ok(M.list(), 'list'))
for f in ['Sent', 'Drafts', 'Trash', 'Junk', 'Archive']:
    assert ('\\\\%s) "/" %s' % (f, f)).encode() in lst, (f, lst)
assert ok(M.select('INBOX'), 'select') == [b'3']
assert M.response('RECENT')[1] == [b'3'], 'the first session to select sees the new mail as recent'
data = ok(M.fetch('1:*', '(FLAGS ENVELOPE BODYSTRUCTURE RFC822.SIZE)'), 'fetch')
assert len(data) == 3 and b'"hello 1"' in data[1] and b'("text" "plain" ("charset" "utf-8")' in data[1], data
data = ok(M.uid('FETCH', '2', '(BODY.PEEK[HEADER.FIELDS (SUBJECT)] BODY.PEEK[TEXT]<5.6>)'), 'fetch sections')
assert data[0][1] == b'Subject: hello 1\\r\\n\\r\\n', data
assert data[1][1] == b'number', data
assert ok(M.fetch('1', '(FLAGS)'), 'flags')[0] == b'1 (FLAGS (\\\\Recent))'
full = ok(M.fetch('1', '(BODY[])'), 'body')[0][1]
assert full.startswith(b'From: ') and full.endswith(b'body number 0\\r\\n'), full
assert b'\\\\Seen' in ok(M.fetch('1', '(FLAGS)'), 'seen')[0]
assert ok(M.search(None, 'TEXT', 'number'), 's1') == [b'1 2 3']
assert ok(M.search(None, 'SUBJECT', '"hello 2"'), 's2') == [b'3']
assert ok(M.search(None, 'SEEN'), 's3') == [b'1']
assert ok(M.search(None, 'OR', 'SEEN', 'SUBJECT', '"hello 2"'), 's4') == [b'1 3']
assert ok(M.uid('SEARCH', 'UID', '2:*', 'NOT', 'SEEN'), 's5') == [b'2 3']
assert ok(M.search(None, 'HEADER', 'Subject', 'hello'), 's6') == [b'1 2 3']
assert ok(M.search(None, 'TO', 'alice'), 's7') == [b'1 2 3']
assert ok(M.search(None, 'LARGER', '100000'), 's8') == [b'']
ok(M.store('2', '+FLAGS', '(\\\\Flagged $Label1)'), 'store')
assert ok(M.search(None, 'KEYWORD', '$Label1'), 's9') == [b'2']
# Text keys combined with others (a text search reads only its hits' rows: these must still be exact).
assert ok(M.search(None, 'TEXT', 'number', 'SEEN'), 's10') == [b'1']
assert ok(M.search(None, 'TEXT', 'number', 'SUBJECT', '"hello 2"'), 's11') == [b'3']
assert ok(M.search(None, 'NOT', 'TEXT', 'number'), 's12') == [b'']
assert ok(M.search(None, 'OR', 'TEXT', 'nowhere-word', 'KEYWORD', '$Label1'), 's13') == [b'2']
assert ok(M.search(None, 'TEXT', 'number', 'NOT', 'KEYWORD', '$Label1'), 's14') == [b'1 3']
ok(M.create('Work/Projects'), 'create')
typ, data = M.copy('1:2', 'Work/Projects')
assert typ == 'OK' and b'COPYUID' in data[0], data
typ, data = M.copy('1', 'Nowhere')
assert typ == 'NO' and b'TRYCREATE' in data[0], data
st = ok(M.status('Work/Projects', '(MESSAGES UIDNEXT UNSEEN)'), 'status')[0]
assert st == b'Work/Projects (MESSAGES 2 UIDNEXT 3 UNSEEN 1)', st
typ, data = M.uid('MOVE', '3', 'Archive')
assert typ == 'OK', (typ, data)
assert ok(M.select('INBOX'), 'reselect') == [b'2']
ok(M.store('1', '+FLAGS.SILENT', '(\\\\Deleted)'), 'delete')
assert ok(M.expunge(), 'expunge') == [b'1']
typ, data = M.append('INBOX', '(\\\\Seen)', imaplib.Time2Internaldate(1700000000), b'Subject: appended\\r\\n\\r\\nhi\\r\\n')
assert typ == 'OK' and b'APPENDUID' in data[0], data
assert b'14-Nov-2023' in ok(M.uid('FETCH', '*', '(INTERNALDATE FLAGS)'), 'appended')[0]
assert ok(M.namespace(), 'ns') == [b'(("" "/")) (("Other Users/" "/")) (("Shared Folders/" "/"))']
q = ok(M.getquotaroot('INBOX'), 'quota')
assert b'STORAGE' in q[1][0], q
assert ok(M.myrights('INBOX'), 'myrights') == [b'INBOX lrswipkxtea']
ok(M.rename('Work', 'Jobs'), 'rename')
lst = b'\\n'.join(ok(M.list('""', 'Jobs/*'), 'list2'))
assert b'Jobs/Projects' in lst, lst
ok(M.delete('Jobs/Projects'), 'delete folder')
typ, data = M.select('Jobs/Projects')
assert typ == 'NO', data
M.logout()
print('all good')
`, env());
    assert.match(out, /all good/);
  });
});
