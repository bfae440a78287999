/**
 * Two adjustments to smtp-server, applied once to its connection class:
 *
 * - Enhanced status codes: the library adds an RFC 3463 code to every reply from a fixed table
 *   keyed by the reply code (550 is always 5.1.1). Our replies carry the right code in their text
 *   already ("554 5.7.1 relaying denied"), so for those the library's guess is left out.
 * - Greeting delay: the library always waits 100 ms before the 220 greeting to catch clients that
 *   talk first. With one message per connection that caps a session at under 10 messages a
 *   second, so the delay is a setting (`greetDelayMs` on the server options, in limits.ts).
 */
import { SMTPConnection } from 'smtp-server/lib/smtp-connection.js';

const HAS_CODE = /^[245]\.\d{1,3}\.\d{1,3} /;
let installed = false;

interface ConnectionInternals {
  send(code: number, data: unknown, context?: unknown): void;
  init(): void;
  connectionReady(): void;
  _setListeners(cb: () => void): void;
  _server: { options: { maxClients?: number; greetDelayMs?: number }; connections: Set<unknown> };
  name: string;
}

export function patchSmtpServer(): void {
  if (installed) return;
  installed = true;
  const proto = SMTPConnection.prototype as unknown as ConnectionInternals;
  const send = proto.send;
  proto.send = function (this: ConnectionInternals, code: number, data: unknown, context?: unknown) {
    return send.call(this, code, data, typeof data === 'string' && HAS_CODE.test(data) ? false : context);
  };
  proto.init = function (this: ConnectionInternals) {
    this._setListeners(() => {
      const { maxClients, greetDelayMs } = this._server.options;
      if (maxClients && this._server.connections.size > maxClients) {
        return this.send(421, `4.7.0 ${this.name} has too many connections; try again in a moment`, false);
      }
      const delay = greetDelayMs ?? 100;
      const timer = delay > 0 ? setTimeout(() => this.connectionReady(), delay) : setImmediate(() => this.connectionReady());
      timer.unref();
    });
  };
}
