/** LoopLoad: the event loop's recent busy share, with time blocked on purpose left out. */
import assert from 'node:assert/strict';
import { it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { LoopLoad } from '../../src/store/loop-load.js';

const spin = (ms: number) => {
  const end = performance.now() + ms;
  while (performance.now() < end);
};

it('tells a busy loop from an idle one, window by window, and does not count discounted blocking', async () => {
  const load = new LoopLoad(50);
  spin(80);
  assert.equal(load.busierThan(0.6), true, 'a window spent running code');
  await sleep(80);
  assert.equal(load.busierThan(0.6), false, 'a window spent waiting');
  spin(80);
  load.discount(80);
  assert.equal(load.busierThan(0.6), false, 'the same blocking, done on purpose (an inline sync)');
  spin(80);
  assert.equal(load.busierThan(0.6), true, 'the discount applied to its own window only');
});
