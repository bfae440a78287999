// Commands about the connection rather than mail (RFC 9051 sections 6.1 to 6.3.1, RFC 2971 ID,
// RFC 4978 COMPRESS, RFC 2177 IDLE, RFC 8437 UNAUTHENTICATE).

import { decodeBase64, isBase64Char } from '../base64.js';
import { quoteForText } from '../errors.js';
import type { TokenReader } from '../tokenizer.js';
import { readAStringUtf8 } from './args.js';
import { arg, args, command, noArgs, optional, type CommandRegistry } from './schema.js';
import type { IdArgs } from './types.js';

/** `"=" / base64` after AUTHENTICATE mech (RFC 4959 section 3): `=` is an empty response. */
function readInitialResponse(r: TokenReader): Buffer {
  if (!isBase64Char(r.peek())) r.fail('INVALID_BASE64', `Expected a base64 initial response, found ${r.describeNext()}`);
  const text = r.word(isBase64Char, 'an initial response');
  if (text === '=') return Buffer.alloc(0);
  const data = decodeBase64(text);
  if (!data) r.fail('INVALID_BASE64', 'The initial response is not valid base64');
  return data;
}

/** `id-params-list = "(" *(string SP nstring) ")" / NIL` with RFC 2971 section 3.3 limits. */
function readIdParams(r: TokenReader): IdArgs['params'] {
  if (r.tryKeyword('NIL')) return null;
  const params: { field: string; value: string | null }[] = [];
  r.openList('an ID parameter list');
  if (r.peek() !== 0x29) {
    do {
      if (params.length >= r.limits.maxIdPairs) r.fail('INVALID_ARGUMENT', `More than ${r.limits.maxIdPairs} ID fields`);
      const field = r.string('an ID field name');
      r.sp('an ID field value');
      const value = r.nstring('an ID field value');
      if (field.length > 30) r.fail('INVALID_ARGUMENT', `ID field name longer than 30 bytes: ${quoteForText(field)}`);
      if (value && value.length > 1024) r.fail('INVALID_ARGUMENT', 'ID field value longer than 1024 bytes');
      params.push({ field: field.toString('utf8'), value: value === null ? null : value.toString('utf8') });
    } while (r.trySp());
  }
  r.closeList('")" to end the ID parameter list');
  return params;
}

export const sessionCommands = {
  CAPABILITY: command<'CAPABILITY'>(noArgs),
  NOOP: command<'NOOP'>(noArgs),
  LOGOUT: command<'LOGOUT'>(noArgs),
  STARTTLS: command<'STARTTLS'>(noArgs),
  IDLE: command<'IDLE'>(noArgs),
  CHECK: command<'CHECK'>(noArgs),
  CLOSE: command<'CLOSE'>(noArgs),
  UNSELECT: command<'UNSELECT'>(noArgs),
  UNAUTHENTICATE: command<'UNAUTHENTICATE'>(noArgs),
  NAMESPACE: command<'NAMESPACE'>(noArgs),
  AUTHENTICATE: command<'AUTHENTICATE'>(args({
    mechanism: arg('a SASL mechanism', (r) => r.keyword('a SASL mechanism')),
    initialResponse: optional(arg('an initial response', readInitialResponse)),
  })),
  LOGIN: command<'LOGIN'>(args({
    username: arg('a user name', (r) => readAStringUtf8(r, 'the user name')),
    password: arg('a password', (r) => readAStringUtf8(r, 'the password')),
  })),
  ENABLE: command<'ENABLE'>((r) => {
    const capabilities: string[] = [];
    do {
      r.sp('a capability');
      capabilities.push(r.keyword('a capability'));
    } while (!r.atEnd());
    return { capabilities };
  }),
  ID: command<'ID'>(args({ params: arg('an ID parameter list or NIL', readIdParams) })),
  COMPRESS: command<'COMPRESS'>(args({ mechanism: arg('a compression mechanism', (r) => r.keyword('a compression mechanism')) })),
} satisfies Partial<CommandRegistry>;
