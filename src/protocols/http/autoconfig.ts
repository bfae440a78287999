/**
 * Client auto-configuration, so a member of staff types only an address and a password:
 * - Thunderbird (and clients that copy it: K-9/Thunderbird for Android, Evolution, FairEmail) fetch
 *   `/.well-known/autoconfig/mail/config-v1.1.xml?emailaddress=...` (the "clientConfig" format
 *   of Mozilla's ISPDB);
 * - Outlook and Apple-style clients POST an Autodiscover request (the 2006 "outlook" schema) to
 *   `/autodiscover/autodiscover.xml`.
 * Both describe the IMAP and submission doors (implicit TLS first, STARTTLS second) plus CalDAV and
 * CardDAV where the format has a place for them. Only this platform's domains are answered: a client
 * probing for someone else's domain gets a not-found, not our servers.
 */
import type { FastifyInstance, FastifyReply } from 'fastify';

export interface ClientSettings {
  /** The name clients connect to (WARDPOST_HOSTNAME). */
  hostname: string;
  imap: number;
  imaps: number;
  submission: number;
  submissions: number;
  /** Base URL of the DAV door, e.g. https://mail.example/dav/. */
  davUrl: string;
}

export interface AutoconfigOptions {
  /** The listeners' ports, known once every door is open (null until then). */
  settings: () => ClientSettings | null;
  isOurDomain: (domain: string) => Promise<boolean>;
}

/** Longest Autodiscover request read: the real ones are a few hundred bytes. */
const MAX_REQUEST_BYTES = 8 * 1024;
const ADDRESS = /^[^\s@<>&"']{1,64}@([a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?)+)$/i;

const AUTODISCOVER_RESPONSE_NS = 'http://schemas.microsoft.com/exchange/autodiscover/responseschema/2006';
const OUTLOOK_RESPONSE_NS = 'http://schemas.microsoft.com/exchange/autodiscover/outlook/responseschema/2006a';

function xmlEscape(s: string): string {
  return s.replace(/[<>&"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

/** The domain of a well-formed address, lower-cased; null for anything else. */
export function addressDomain(address: string): string | null {
  const m = ADDRESS.exec(address.trim());
  return m ? m[1]!.toLowerCase() : null;
}

export function thunderbirdConfig(s: ClientSettings, domain: string): string {
  const server = (tag: 'incomingServer' | 'outgoingServer', type: string, port: number, socket: 'SSL' | 'STARTTLS') =>
    [
      `    <${tag} type="${type}">`,
      `      <hostname>${xmlEscape(s.hostname)}</hostname>`,
      `      <port>${port}</port>`,
      `      <socketType>${socket}</socketType>`,
      '      <authentication>password-cleartext</authentication>',
      '      <username>%EMAILADDRESS%</username>',
      `    </${tag}>`,
    ].join('\n');
  return [
    '<?xml version="1.0" encoding="UTF-8"?>',
    '<clientConfig version="1.1">',
    `  <emailProvider id="${xmlEscape(domain)}">`,
    `    <domain>${xmlEscape(domain)}</domain>`,
    '    <displayName>Wardpost (NHS mail)</displayName>',
    '    <displayShortName>Wardpost</displayShortName>',
    server('incomingServer', 'imap', s.imaps, 'SSL'),
    server('incomingServer', 'imap', s.imap, 'STARTTLS'),
    server('outgoingServer', 'smtp', s.submissions, 'SSL'),
    server('outgoingServer', 'smtp', s.submission, 'STARTTLS'),
    '  </emailProvider>',
    '  <addressBook type="carddav">',
    '    <username>%EMAILADDRESS%</username>',
    '    <authentication>http-basic</authentication>',
    `    <serverURL>${xmlEscape(s.davUrl)}</serverURL>`,
    '  </addressBook>',
    '  <calendar type="caldav">',
    '    <username>%EMAILADDRESS%</username>',
    '    <authentication>http-basic</authentication>',
    `    <serverURL>${xmlEscape(s.davUrl)}</serverURL>`,
    '  </calendar>',
    '</clientConfig>',
    '',
  ].join('\n');
}

export function autodiscoverResponse(s: ClientSettings, address: string): string {
  const protocol = (type: 'IMAP' | 'SMTP', port: number) =>
    [
      '      <Protocol>',
      `        <Type>${type}</Type>`,
      `        <Server>${xmlEscape(s.hostname)}</Server>`,
      `        <Port>${port}</Port>`,
      '        <DomainRequired>off</DomainRequired>',
      `        <LoginName>${xmlEscape(address)}</LoginName>`,
      '        <SPA>off</SPA>',
      '        <SSL>on</SSL>',
      '        <AuthRequired>on</AuthRequired>',
      ...(type === 'SMTP' ? ['        <UsePOPAuth>off</UsePOPAuth>', '        <SMTPLast>off</SMTPLast>'] : []),
      '      </Protocol>',
    ].join('\n');
  return [
    '<?xml version="1.0" encoding="utf-8"?>',
    `<Autodiscover xmlns="${AUTODISCOVER_RESPONSE_NS}">`,
    `  <Response xmlns="${OUTLOOK_RESPONSE_NS}">`,
    '    <User>',
    `      <EMailAddress>${xmlEscape(address)}</EMailAddress>`,
    '    </User>',
    '    <Account>',
    '      <AccountType>email</AccountType>',
    '      <Action>settings</Action>',
    protocol('IMAP', s.imaps),
    protocol('SMTP', s.submissions),
    '    </Account>',
    '  </Response>',
    '</Autodiscover>',
    '',
  ].join('\n');
}

/** The Autodiscover error form (code 600: invalid request) that Outlook reads and reports. */
function autodiscoverError(code: 600 | 603, message: string): string {
  return [
    '<?xml version="1.0" encoding="utf-8"?>',
    `<Autodiscover xmlns="${AUTODISCOVER_RESPONSE_NS}">`,
    '  <Response>',
    `    <Error Time="${new Date().toISOString().slice(11, 19)}" Id="1">`,
    `      <ErrorCode>${code}</ErrorCode>`,
    `      <Message>${xmlEscape(message)}</Message>`,
    '      <DebugData />',
    '    </Error>',
    '  </Response>',
    '</Autodiscover>',
    '',
  ].join('\n');
}

/** The address in an Autodiscover request body (<EMailAddress>), or null when there is none. */
export function requestedAddress(body: string): string | null {
  const m = /<(?:\w+:)?EMailAddress>\s*([^<]{1,320}?)\s*<\/(?:\w+:)?EMailAddress>/.exec(body);
  return m ? m[1]! : null;
}

function sendXml(reply: FastifyReply, code: number, xml: string) {
  return reply.code(code).header('content-type', 'application/xml; charset=utf-8').header('cache-control', 'no-store').send(xml);
}

export function registerAutoconfig(app: FastifyInstance, opts: AutoconfigOptions): void {
  void app.register(async (scope) => {
    // Autodiscover bodies are XML; read them as text (only in this scope) and cap them.
    scope.addContentTypeParser(['text/xml', 'application/xml'], { parseAs: 'string', bodyLimit: MAX_REQUEST_BYTES }, (_req, body, done) => done(null, body));

    scope.get<{ Querystring: { emailaddress?: string } }>('/.well-known/autoconfig/mail/config-v1.1.xml', async (req, reply) => {
      const settings = opts.settings();
      if (!settings) return reply.code(503).header('retry-after', '5').send({ error: 'starting', message: 'the mail doors are still opening; try again in a few seconds' });
      const asked = req.query.emailaddress;
      const domain = asked === undefined ? null : addressDomain(asked);
      if (asked !== undefined && !domain) return reply.code(400).send({ error: 'invalid_request', field: 'emailaddress', message: 'emailaddress must be a mail address such as jane.smith@trust.nhs.example' });
      if (domain && !(await opts.isOurDomain(domain))) return reply.code(404).send({ error: 'not_found', message: `${domain} is not a domain of this platform` });
      return sendXml(reply, 200, thunderbirdConfig(settings, domain ?? settings.hostname));
    });

    // Outlook POSTs; some clients probe with GET first and expect an error document, not a 404.
    scope.route<{ Body: unknown }>({
      method: ['GET', 'POST'],
      url: '/autodiscover/autodiscover.xml',
      handler: async (req, reply) => {
        const settings = opts.settings();
        if (!settings) return sendXml(reply.header('retry-after', '5'), 503, autodiscoverError(603, 'The server is starting; try again in a few seconds.'));
        const address = typeof req.body === 'string' ? requestedAddress(req.body) : null;
        const domain = address ? addressDomain(address) : null;
        if (!address || !domain) return sendXml(reply, 400, autodiscoverError(600, 'Invalid request: send an Autodiscover request with an EMailAddress.'));
        if (!(await opts.isOurDomain(domain))) return sendXml(reply, 404, autodiscoverError(600, `${domain} is not a domain of this platform.`));
        return sendXml(reply, 200, autodiscoverResponse(settings, address));
      },
    });
  });
}
