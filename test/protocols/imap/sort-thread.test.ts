/** SORT, THREAD, ESEARCH and SEARCHRES over the stored parsed form (RFC 5256, RFC 4731, RFC 5182). */
import assert from 'node:assert/strict';
import { Readable } from 'node:stream';
import { after, before, describe, it } from 'node:test';
import { PASSWORD, startImapFixture, type ImapFixture } from './helpers.js';
import { RawImap } from './raw-client.js';

function msg(id: string, subject: string, date: string, from: string, refs = ''): Buffer {
  return Buffer.from(
    `From: ${from}\r\nTo: t@wardpost.test\r\nSubject: ${subject}\r\nDate: ${date}\r\nMessage-ID: <${id}>\r\n${refs ? `References: ${refs}\r\nIn-Reply-To: ${refs.split(' ').pop()}\r\n` : ''}\r\nbody of ${id}\r\n`,
  );
}

describe('IMAP SORT, THREAD, ESEARCH', () => {
  let f: ImapFixture;
  let user: string;
  let c: RawImap;
  before(async () => {
    f = await startImapFixture();
    user = (await f.user('sorter')).address;
    const list = [
      msg('a@x', 'Rota for December', 'Mon, 02 Nov 2026 09:00:00 +0000', 'Zed <zed@example.org>'),
      msg('b@x', 'Re: Rota for December', 'Tue, 03 Nov 2026 09:00:00 +0000', 'Amy <amy@example.org>', '<a@x>'),
      msg('c@x', 'Audit', 'Sun, 01 Nov 2026 09:00:00 +0000', 'Bob <bob@example.org>'),
      msg('d@x', 'Re: Re: Rota for December', 'Wed, 04 Nov 2026 09:00:00 +0000', 'Cat <cat@example.org>', '<a@x> <b@x>'),
    ];
    for (const m of list) await f.server.platform.services.delivery.deliver({ source: Readable.from([m]), recipients: [user] });
    c = await RawImap.connect(f.tlsPort);
    await c.login(user, PASSWORD);
    await c.cmd('SELECT INBOX');
  });
  after(async () => {
    c.close();
    await f.stop();
  });

  it('SORT by date, reverse date, subject, from, size', async () => {
    assert.match(await c.cmd('SORT (DATE) UTF-8 ALL'), /\* SORT 3 1 2 4\r\n/);
    assert.match(await c.cmd('SORT (REVERSE DATE) UTF-8 ALL'), /\* SORT 4 2 1 3\r\n/);
    assert.match(await c.cmd('SORT (SUBJECT DATE) UTF-8 ALL'), /\* SORT 3 1 2 4\r\n/);
    assert.match(await c.cmd('SORT (FROM) UTF-8 ALL'), /\* SORT 2 3 4 1\r\n/);
    assert.match(await c.cmd('UID SORT (DISPLAYFROM) UTF-8 NOT FROM amy'), /\* SORT 3 4 1\r\n/);
  });

  it('THREAD by REFERENCES and ORDEREDSUBJECT', async () => {
    assert.match(await c.cmd('THREAD REFERENCES UTF-8 ALL'), /\* THREAD \(3\)\(1 2 4\)\r\n/);
    assert.match(await c.cmd('THREAD ORDEREDSUBJECT UTF-8 ALL'), /\* THREAD \(3\)\(1 \(2\)\(4\)\)\r\n/);
  });

  it('ESEARCH return options and a saved result', async () => {
    assert.match(await c.cmd('SEARCH RETURN (MIN MAX COUNT) SUBJECT rota'), /\* ESEARCH \(TAG "t\d+"\) MIN 1 MAX 4 COUNT 3\r\n/);
    assert.match(await c.cmd('UID SEARCH RETURN (SAVE) FROM amy'), /OK/);
    assert.match(await c.cmd('UID FETCH $ (UID)'), /\* 2 FETCH \(UID 2\)/);
  });
});
