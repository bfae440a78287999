/**
 * Client auto-configuration on the real server: the settings a Thunderbird-style client and an
 * Outlook-style client read are parsed by Python's XML parser and then *used*: imaplib and smtplib
 * sign in with exactly the hosts, ports and TLS modes the documents give.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { SYSTEM_ACTOR } from '../../../src/core/actor.js';
import type { RunningServer } from '../../../src/app/serve.js';
import { startQuietServer } from '../../helpers/server.js';
import { PASSWORD, python } from '../imap/helpers.js';

describe('client auto-configuration', () => {
  let server: RunningServer;
  let dataDir: string;
  let base: string;
  const address = 'autoconf.user@wardpost.test';

  before(async () => {
    dataDir = mkdtempSync(path.join(tmpdir(), 'wp-autoconf-'));
    ({ server } = await startQuietServer({ WARDPOST_DATA_DIR: dataDir }));
    base = server.urls.health!.replace(/\/healthz$/, '');
    await server.platform.services.accounts.create({ address, orgSlug: 'national', name: 'Auto Conf', password: PASSWORD }, SYSTEM_ACTOR);
  });

  after(async () => {
    await server.stop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('gives Thunderbird-style clients settings that imaplib and smtplib can sign in with', async () => {
    const res = await fetch(`${base}/.well-known/autoconfig/mail/config-v1.1.xml?emailaddress=${encodeURIComponent(address)}`);
    assert.equal(res.status, 200);
    assert.match(res.headers.get('content-type') ?? '', /^application\/xml/);
    const out = await python(
      `
import os, ssl, imaplib, smtplib, urllib.request, xml.etree.ElementTree as ET
doc = ET.fromstring(urllib.request.urlopen(os.environ['URL']).read())
assert doc.tag == 'clientConfig', doc.tag
provider = doc.find('emailProvider')
assert provider.find('domain').text == 'wardpost.test'
ctx = ssl.create_default_context(); ctx.check_hostname = False; ctx.verify_mode = ssl.CERT_NONE
user = lambda s: s.find('username').text.replace('%EMAILADDRESS%', os.environ['ADDR'])
for s in provider.findall('incomingServer'):
    assert s.get('type') == 'imap'
    host, port, sock = s.find('hostname').text, int(s.find('port').text), s.find('socketType').text
    if sock == 'SSL': c = imaplib.IMAP4_SSL(host, port, ssl_context=ctx)
    else: c = imaplib.IMAP4(host, port); c.starttls(ssl_context=ctx)
    c.login(user(s), os.environ['PW']); typ, data = c.select('INBOX'); assert typ == 'OK'; c.logout()
    print('imap', sock, 'ok')
for s in provider.findall('outgoingServer'):
    host, port, sock = s.find('hostname').text, int(s.find('port').text), s.find('socketType').text
    if sock == 'SSL': c = smtplib.SMTP_SSL(host, port, context=ctx)
    else: c = smtplib.SMTP(host, port); c.starttls(context=ctx)
    c.login(user(s), os.environ['PW']); c.quit()
    print('smtp', sock, 'ok')
print('dav', doc.find('calendar/serverURL').text.endswith('/dav/'), doc.find('addressBook/serverURL').text.endswith('/dav/'))
`,
      { URL: res.url, ADDR: address, PW: PASSWORD },
    );
    assert.deepEqual(out.trim().split('\n'), ['imap SSL ok', 'imap STARTTLS ok', 'smtp SSL ok', 'smtp STARTTLS ok', 'dav True True']);
  });

  it('answers only for its own domains, and names a malformed address', async () => {
    const foreign = await fetch(`${base}/.well-known/autoconfig/mail/config-v1.1.xml?emailaddress=someone%40gmail.example`);
    assert.equal(foreign.status, 404);
    const bad = await fetch(`${base}/.well-known/autoconfig/mail/config-v1.1.xml?emailaddress=not-an-address`);
    assert.equal(bad.status, 400);
    assert.equal(((await bad.json()) as { field: string }).field, 'emailaddress');
  });

  it('answers an Outlook Autodiscover request with IMAP and SMTP over TLS', async () => {
    const request = `<?xml version="1.0" encoding="utf-8"?>
<Autodiscover xmlns="http://schemas.microsoft.com/exchange/autodiscover/outlook/requestschema/2006">
  <Request>
    <EMailAddress>${address}</EMailAddress>
    <AcceptableResponseSchema>http://schemas.microsoft.com/exchange/autodiscover/outlook/responseschema/2006a</AcceptableResponseSchema>
  </Request>
</Autodiscover>`;
    const out = await python(
      `
import os, ssl, imaplib, urllib.request, xml.etree.ElementTree as ET
req = urllib.request.Request(os.environ['URL'], data=os.environ['BODY'].encode(), headers={'Content-Type': 'text/xml'})
doc = ET.fromstring(urllib.request.urlopen(req).read())
ns = {'a': 'http://schemas.microsoft.com/exchange/autodiscover/outlook/responseschema/2006a'}
protos = {p.find('a:Type', ns).text: p for p in doc.findall('.//a:Account/a:Protocol', ns)}
imap = protos['IMAP']
ctx = ssl.create_default_context(); ctx.check_hostname = False; ctx.verify_mode = ssl.CERT_NONE
assert imap.find('a:SSL', ns).text == 'on'
c = imaplib.IMAP4_SSL(imap.find('a:Server', ns).text, int(imap.find('a:Port', ns).text), ssl_context=ctx)
c.login(imap.find('a:LoginName', ns).text, os.environ['PW']); c.logout()
print(sorted(protos), protos['SMTP'].find('a:AuthRequired', ns).text)
`,
      { URL: `${base}/autodiscover/autodiscover.xml`, BODY: request, PW: PASSWORD },
    );
    assert.equal(out.trim(), "['IMAP', 'SMTP'] on");
  });

  it('answers a malformed, foreign or oversized Autodiscover request with its error document', async () => {
    const post = (body: string) => fetch(`${base}/autodiscover/autodiscover.xml`, { method: 'POST', headers: { 'content-type': 'text/xml' }, body });
    const empty = await post('<Autodiscover><Request></Request></Autodiscover>');
    assert.equal(empty.status, 400);
    assert.match(await empty.text(), /<ErrorCode>600<\/ErrorCode>/);
    const foreign = await post('<Autodiscover><Request><EMailAddress>x@elsewhere.example</EMailAddress></Request></Autodiscover>');
    assert.equal(foreign.status, 404);
    const probe = await fetch(`${base}/autodiscover/autodiscover.xml`);
    assert.equal(probe.status, 400);
    const huge = await post(`<Autodiscover>${'x'.repeat(20_000)}</Autodiscover>`);
    assert.equal(huge.status, 413);
    // The server is still fine.
    assert.equal((await fetch(`${base}/healthz`)).status, 200);
  });
});
