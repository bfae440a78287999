import assert from 'node:assert/strict';
import { it } from 'node:test';
import { parseBasicAuthorization } from '../../../src/core/auth/basic.js';

const b64 = (s: string) => Buffer.from(s, 'utf8').toString('base64');

it('parses Basic credentials (RFC 7617): the password may hold colons, UTF-8 is kept', () => {
  assert.deepEqual(parseBasicAuthorization(`Basic ${b64('ann@wardpost.test:a:b:c')}`), { user: 'ann@wardpost.test', password: 'a:b:c' });
  assert.deepEqual(parseBasicAuthorization(`basic   ${b64('zoë@x.test:pässword')}`), { user: 'zoë@x.test', password: 'pässword' });
});

it('tells "not Basic" from "malformed Basic"', () => {
  assert.equal(parseBasicAuthorization(undefined), null);
  assert.equal(parseBasicAuthorization('Bearer wpt_abc'), null);
  assert.equal(parseBasicAuthorization('Basic'), 'malformed');
  assert.equal(parseBasicAuthorization('Basic !!!'), 'malformed');
  assert.equal(parseBasicAuthorization(`Basic ${b64('no-colon')}`), 'malformed');
  assert.equal(parseBasicAuthorization(`Basic ${b64(':password-without-user')}`), 'malformed');
});
