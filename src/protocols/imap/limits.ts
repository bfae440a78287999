// Every limit of the IMAP server (connection level) in one place; the wire limits are in proto/limits.ts.

export const SERVER_LIMITS = Object.freeze({
  /** RFC 9051 section 5.4: the autologout timer is at least 30 minutes. */
  idleTimeoutMs: 30 * 60 * 1000,
  /** Before authentication a silent client is dropped sooner. */
  preAuthTimeoutMs: 5 * 60 * 1000,
  /** Commands framed but not yet run; past this the socket is not read until some are done. */
  maxQueuedCommands: 32,
  /** Failed LOGIN/AUTHENTICATE attempts before the connection is closed. */
  maxAuthFailures: 5,
  /** Bad commands in a row before the connection is closed. */
  maxBadInARow: 50,
  /** Largest message accepted by APPEND (also APPENDLIMIT, RFC 7889). */
  appendLimit: 50 * 1024 * 1024,
});

export type ServerLimits = typeof SERVER_LIMITS;
