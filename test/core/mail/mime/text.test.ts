// Search text and preview: transfer encodings, charsets, HTML, alternatives, caps.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { indexBuffer } from '../../../../src/core/mail/mime/index.js';
import { htmlToText } from '../../../../src/core/mail/mime/text-extract.js';
import { crlf, feed, randomSizes } from './helpers.js';

interface TextCase {
  name: string;
  raw: Buffer;
  searchText: string;
  preview?: string;
}

const qpLatin1 = Buffer.concat([
  Buffer.from('Content-Type: text/plain; charset=ISO-8859-1\r\nContent-Transfer-Encoding: quoted-printable\r\n\r\n'),
  Buffer.from('Voil=E0 le caf=E9 cr=E8me, tr=E8s long=\r\nue ligne coup=E9e   \r\nfin=3D.\r\n'),
]);

const cases: TextCase[] = [
  { name: 'quoted-printable ISO-8859-1 text', raw: qpLatin1, searchText: 'Voilà le café crème, très longue ligne coupée\nfin=.' },
  {
    name: 'base64 UTF-8 text',
    raw: crlf(['Content-Type: text/plain; charset=utf-8', 'Content-Transfer-Encoding: base64', '', ...(Buffer.from('Grüße aus Köln 🎉\n'.repeat(3)).toString('base64').match(/.{1,20}/g) ?? []), '']),
    searchText: 'Grüße aus Köln 🎉\nGrüße aus Köln 🎉\nGrüße aus Köln 🎉',
  },
  {
    name: 'base64 made of separately padded blocks',
    raw: crlf(['Content-Transfer-Encoding: base64', '', `${Buffer.from('ab').toString('base64')}${Buffer.from('cd').toString('base64')}`, '']),
    searchText: 'abcd',
  },
  {
    name: '8-bit text labelled us-ascii is read as UTF-8 when it is',
    raw: Buffer.from('Content-Type: text/plain; charset=us-ascii\r\n\r\nna\xc3\xafve\r\n', 'latin1'),
    searchText: 'naïve',
  },
  {
    name: 'undeclared 8-bit Latin-1 text falls back to Windows-1252',
    raw: Buffer.from('\r\nd\xe9j\xe0 vu \x80\r\n', 'latin1'),
    searchText: 'déjà vu €',
  },
  {
    name: 'iso-2022-jp',
    raw: Buffer.concat([Buffer.from('Content-Type: text/plain; charset=ISO-2022-JP\r\n\r\n'), Buffer.from([0x1b, 0x24, 0x42, 0x46, 0x7c, 0x4b, 0x5c, 0x1b, 0x28, 0x42, 0x0d, 0x0a])]),
    searchText: '日本',
  },
  {
    name: 'HTML only: tags stripped, script and style skipped, entities decoded',
    raw: crlf([
      'Content-Type: text/html; charset=utf-8', '',
      '<html><head><style>p { color: red }</style><title>T</title></head><body><p>Hello&nbsp;<b>w&ouml;rld</b> &amp; &#x263A; &#9731;</p>',
      '<script>alert("x")</script><div>Second&hellip;</div><!-- hidden --></body></html>',
    ]),
    searchText: 'Hello wörld & ☺ ☃\n\nSecond…',
    preview: 'Hello wörld & ☺ ☃ Second…',
  },
  {
    name: 'alternative: plain text chosen, HTML not indexed twice; attached text indexed after the body',
    raw: crlf([
      'Content-Type: multipart/mixed; boundary=m', '', '--m', 'Content-Type: multipart/alternative; boundary=a', '', '--a',
      'Content-Type: text/plain', '', 'plain version', '--a', 'Content-Type: text/html', '', '<p>html version</p>', '--a--', '--m',
      'Content-Type: text/plain; name=notes.txt', 'Content-Disposition: attachment; filename=notes.txt', '', 'attached notes', '--m',
      'Content-Type: image/png', 'Content-Transfer-Encoding: base64', '', 'iVBORw0KGgo=', '--m--',
    ]),
    searchText: 'plain version\n\nattached notes',
    preview: 'plain version',
  },
  {
    name: 'no text parts',
    raw: crlf(['Content-Type: application/zip', 'Content-Transfer-Encoding: base64', '', 'UEsDBA==', '']),
    searchText: '',
    preview: '',
  },
];

describe('search text', () => {
  for (const c of cases) {
    it(c.name, async () => {
      const ix = indexBuffer(c.raw);
      assert.equal(ix.searchText, c.searchText);
      if (c.preview !== undefined) assert.equal(ix.preview, c.preview);
      const chunked = await feed(c.raw, randomSizes(7, 8));
      assert.equal(chunked.searchText, c.searchText, 'same text in random chunks');
      const bytewise = await feed(c.raw, () => 1);
      assert.equal(bytewise.searchText, c.searchText, 'same text one byte at a time');
    });
  }

  it('caps searchText in UTF-8 bytes and preview in characters', () => {
    const line = 'é'.repeat(99);
    const raw = crlf(['Content-Type: text/plain; charset=utf-8', '', ...Array.from({ length: 4000 }, () => line), '']);
    const ix = indexBuffer(raw);
    assert.ok(Buffer.byteLength(ix.searchText) <= 256 * 1024);
    assert.ok(Buffer.byteLength(ix.searchText) > 250 * 1024);
    assert.ok(!ix.searchText.includes('\uFFFD'));
    assert.equal(ix.preview.length, 256);
    const small = indexBuffer(raw, { limits: { maxSearchTextBytes: 1000, previewLength: 10 } });
    assert.ok(Buffer.byteLength(small.searchText) <= 1000);
    assert.equal(small.preview, 'é'.repeat(10));
  });

  it('reads at most maxTextPartBytes of one huge text part', () => {
    const raw = crlf(['Content-Type: text/plain', 'Content-Transfer-Encoding: quoted-printable', '', ...Array.from({ length: 20000 }, () => 'abc=20def'), '']);
    const ix = indexBuffer(raw, { limits: { maxTextPartBytes: 1000 } });
    assert.ok(ix.searchText.length <= 1000);
    assert.ok(ix.searchText.startsWith('abc def\nabc def'));
  });

  it('htmlToText survives unterminated tags, comments and scripts', () => {
    assert.equal(htmlToText('a<b'), 'a');
    assert.equal(htmlToText('a<!-- b'), 'a');
    assert.equal(htmlToText('a<script>never closed'), 'a ');
    assert.equal(htmlToText('x &bogus; &#0; &#xD800;'), 'x &bogus;    ');
  });
});
