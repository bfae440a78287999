/** Thunderbird's and mutt's typical command sequences, replayed as they send them (lower case and all). */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { PASSWORD, startImapFixture, type ImapFixture } from './helpers.js';
import { RawImap } from './raw-client.js';

const plain = (user: string) => Buffer.from(`\0${user}\0${PASSWORD}`).toString('base64');

describe('IMAP: replayed client sessions', () => {
  let f: ImapFixture;
  let user: string;
  before(async () => {
    f = await startImapFixture();
    user = (await f.user('replay')).address;
    for (let i = 0; i < 3; i++) await f.deliver(user, { subject: `replay ${i}` });
  });
  after(async () => f.stop());

  it('Thunderbird', async () => {
    const c = await RawImap.connect(f.tlsPort);
    const ok = async (cmd: string, re?: RegExp) => {
      const r = await c.cmd(cmd);
      assert.match(r, /^t\d+ OK/m, `${cmd}: ${r}`);
      if (re) assert.match(r, re, cmd);
      return r;
    };
    await ok('capability', /AUTH=PLAIN/);
    await ok(`authenticate PLAIN ${plain(user)}`);
    await ok('ID ("name" "Thunderbird" "version" "128.5.0")', /\* ID \(/);
    await ok('namespace', /\* NAMESPACE \(\("" "\/"\)\)/);
    await ok('list (subscribed) "" "*" return (special-use)', /\* LIST \(\\HasNoChildren \\Subscribed \\Sent\) "\/" Sent/);
    await ok('list "" "INBOX"', /\* LIST \([^)]*\) "\/" INBOX/);
    const sel = await ok('select "INBOX" (CONDSTORE)', /\[HIGHESTMODSEQ \d+\]/);
    const modseq = Number(/HIGHESTMODSEQ (\d+)/.exec(sel)![1]);
    await ok('UID fetch 1:* (FLAGS)', /\* 3 FETCH \(UID 3 FLAGS \(\\Recent\)( MODSEQ \(\d+\))?\)/);
    await ok('UID fetch 1:3 (UID RFC822.SIZE FLAGS BODY.PEEK[HEADER.FIELDS (From To Cc Bcc Subject Date Message-ID Priority X-Priority References Newsgroups In-Reply-To Content-Type Reply-To)])', /Subject: replay 2/);
    await ok('UID fetch 2 (UID RFC822.SIZE BODY.PEEK[])', /BODY\[\] \{\d+\}/);
    await ok('UID store 2 +Flags (\\Seen)', /FLAGS \(\\Seen \\Recent\)/);
    await ok(`UID fetch 1:* (FLAGS) (CHANGEDSINCE ${modseq})`, /\* 2 FETCH \(UID 2 FLAGS \(\\Seen \\Recent\) MODSEQ/);
    c.write('t90 IDLE\r\n');
    await c.waitFor(/^\+ .*\r\n/m);
    c.write('DONE\r\n');
    await c.waitFor(/^t90 OK.*\r\n/m);
    await ok('UID copy 1 "Trash"', /COPYUID/);
    await ok('UID store 1 +FLAGS (\\Deleted)');
    await ok('UID expunge 1', /\* 1 EXPUNGE/);
    await ok('logout', /\* BYE/);
    c.close();
  });

  it('mutt', async () => {
    const c = await RawImap.connect(f.tlsPort);
    const ok = async (cmd: string, re?: RegExp) => {
      const r = await c.cmd(cmd);
      assert.match(r, /^t\d+ OK/m, `${cmd}: ${r}`);
      if (re) assert.match(r, re, cmd);
      return r;
    };
    await ok('CAPABILITY');
    c.write('a1 AUTHENTICATE PLAIN\r\n');
    await c.waitFor(/^\+ ?\r\n/m);
    c.write(`${plain(user)}\r\n`);
    await c.waitFor(/^a1 OK.*\r\n/m);
    await ok('LIST "" ""', /\* LIST \(\\Noselect\) "\/" ""/);
    await ok('LSUB "" "*"', /\* LSUB \(\) "\/" INBOX/);
    await ok('STATUS "INBOX" (MESSAGES)', /\* STATUS INBOX \(MESSAGES 2\)/);
    await ok('SELECT "INBOX"', /\* 2 EXISTS/);
    await ok('FETCH 1:2 (UID FLAGS INTERNALDATE RFC822.SIZE BODY.PEEK[HEADER.FIELDS (DATE FROM SENDER SUBJECT TO CC MESSAGE-ID REFERENCES CONTENT-TYPE CONTENT-DESCRIPTION IN-REPLY-TO REPLY-TO LINES LIST-POST X-LABEL X-ORIGINAL-TO)])', /INTERNALDATE "/);
    await ok('UID FETCH 3 BODY.PEEK[]', /Subject: replay 2/);
    await ok('UID STORE 3 +FLAGS.SILENT (\\Seen)');
    await ok('CHECK');
    await ok('UID STORE 2 +FLAGS.SILENT (\\Deleted)');
    await ok('EXPUNGE', /\* 1 EXPUNGE/);
    await ok('CLOSE');
    await ok('LOGOUT', /\* BYE/);
    c.close();
  });
});
