// CAPABILITY, NOOP, CHECK, LOGOUT, STARTTLS, LOGIN, AUTHENTICATE, UNAUTHENTICATE, ENABLE, ID, IDLE,
// COMPRESS (RFC 9051 sections 6.1, 6.2, 6.3.1, 6.3.13, 6.4.1; RFC 4959 SASL-IR; RFC 2971 ID;
// RFC 2177 IDLE; RFC 8437 UNAUTHENTICATE).
import { parseIdleDone, parseSaslResponse, wire } from '../proto/index.js';
import type { ImapSession } from '../session.js';
import { bad, no } from '../errors.js';
import { SERVER_LIMITS } from '../limits.js';
import { ANY, AUTH, NOT_AUTH, type Handler } from './common.js';

const capability: Handler<'CAPABILITY'> = {
  states: ANY,
  async run(s) {
    s.write(wire.untagged([wire.raw(`CAPABILITY ${s.capabilities().join(' ')}`)]));
  },
};

const noop: Handler<'NOOP'> = { states: ANY, async run() {} };
const check: Handler<'CHECK'> = { states: ['selected'], async run() {} };

const logout: Handler<'LOGOUT'> = {
  states: ANY,
  async run(s) {
    s.write(wire.status('*', 'BYE', 'Logging out'));
    return { text: 'LOGOUT completed', after: () => s.close() };
  },
};

const starttls: Handler<'STARTTLS'> = {
  states: NOT_AUTH,
  async run(s) {
    if (s.tls) throw bad('TLS is already active');
    return { text: 'Begin TLS negotiation now', after: () => s.startTls() };
  },
};

async function signIn(s: ImapSession, user: string, password: string): Promise<void> {
  try {
    const account = await s.services.accounts.authenticate(user, password);
    s.signedIn(account);
  } catch (err) {
    if (++s.authFailures >= SERVER_LIMITS.maxAuthFailures) setImmediate(() => s.close());
    throw err;
  }
}

function capsCode(s: ImapSession): string {
  return `CAPABILITY ${s.capabilities().join(' ')}`;
}

const login: Handler<'LOGIN'> = {
  states: NOT_AUTH,
  async run(s, cmd) {
    if (!s.tls) throw no('PRIVACYREQUIRED', 'LOGIN is disabled until TLS is active (use STARTTLS)');
    await signIn(s, cmd.args.username, cmd.args.password);
    return { code: capsCode(s), text: 'Logged in' };
  },
};

/** SASL PLAIN (RFC 4616): authzid NUL authcid NUL password; authzid empty or the same user. */
const authenticate: Handler<'AUTHENTICATE'> = {
  states: NOT_AUTH,
  async run(s, cmd) {
    if (cmd.args.mechanism !== 'PLAIN') throw no('CANNOT', `unsupported mechanism ${cmd.args.mechanism.slice(0, 20)} (use PLAIN)`);
    if (!s.tls) throw no('PRIVACYREQUIRED', 'authentication is disabled until TLS is active (use STARTTLS)');
    let data = cmd.args.initialResponse;
    if (data === undefined) {
      s.write(wire.saslChallenge(Buffer.alloc(0)));
      const resp = parseSaslResponse(await s.readLine());
      if (!resp.ok) throw bad(resp.error.message);
      if (resp.cancel) throw bad('authentication cancelled');
      data = resp.data;
    }
    const parts = data.toString('utf8').split('\0');
    if (parts.length !== 3) throw bad('malformed PLAIN response');
    const [authz, user, pass] = parts as [string, string, string];
    if (authz && authz.toLowerCase() !== user.toLowerCase()) throw no('AUTHORIZATIONFAILED', 'acting as another user is not allowed here');
    await signIn(s, user, pass);
    return { code: capsCode(s), text: 'Authenticated' };
  },
};

/** RFC 8437 section 3: the session is reset to not authenticated; TLS and compression stay on. */
const unauthenticate: Handler<'UNAUTHENTICATE'> = {
  states: AUTH,
  async run(s) {
    s.signedOut();
    return { text: 'Not authenticated any more' };
  },
};

/** What ENABLE accepts, by the upper-case form the parser gives, with the name it is known by. */
const ENABLEABLE = new Map(['CONDSTORE', 'QRESYNC', 'UTF8=ACCEPT', 'IMAP4rev2'].map((c) => [c.toUpperCase(), c]));

const enable: Handler<'ENABLE'> = {
  states: AUTH,
  async run(s, cmd) {
    const done: string[] = [];
    for (const asked of cmd.args.capabilities) {
      const c = ENABLEABLE.get(asked.toUpperCase());
      if (!c || s.enabled.has(c)) continue;
      s.enabled.add(c);
      if (c === 'CONDSTORE' || c === 'QRESYNC') s.condstore = true;
      done.push(c);
    }
    s.write(wire.untagged([wire.raw(['ENABLED', ...done].join(' '))]));
  },
};

const id: Handler<'ID'> = {
  states: ANY,
  async run(s) {
    s.write(wire.untagged([wire.atom('ID'), [wire.str('name'), wire.str('Wardpost'), wire.str('vendor'), wire.str('Wardpost')]]));
  },
};

/** IDLE (RFC 2177): updates are pushed as they happen, from the event bus, until DONE. */
const idle: Handler<'IDLE'> = {
  states: AUTH,
  async run(s) {
    s.write(wire.continuation('idling'));
    s.idling = true;
    try {
      await s.sendUpdates(true);
      const line = await s.readLine();
      const done = parseIdleDone(line);
      if (!done.ok) throw bad(done.error.message);
    } finally {
      s.idling = false;
    }
    return { text: 'IDLE terminated' };
  },
};

const compress: Handler<'COMPRESS'> = {
  states: AUTH,
  async run(s, cmd) {
    if (cmd.args.mechanism !== 'DEFLATE') throw no('CANNOT', 'only DEFLATE is offered');
    if (s.compressed) throw no('COMPRESSIONACTIVE', 'compression is already active');
    return { text: 'DEFLATE active', after: () => s.startCompression() };
  },
};

export const sessionHandlers = {
  CAPABILITY: capability,
  NOOP: noop,
  CHECK: check,
  LOGOUT: logout,
  STARTTLS: starttls,
  LOGIN: login,
  AUTHENTICATE: authenticate,
  UNAUTHENTICATE: unauthenticate,
  ENABLE: enable,
  ID: id,
  IDLE: idle,
  COMPRESS: compress,
};
