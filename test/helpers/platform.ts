/** Domain services over a fresh store of one engine, for core tests. */
import { InProcessEventBus, type DomainEvent } from '../../src/core/events/bus.js';
import { createServices, type Services } from '../../src/core/services.js';
import type { Store } from '../../src/store/types.js';
import { cliActor } from '../../src/core/actor.js';

export const NATIONAL = 'wardpost.test';
export const ACTOR = cliActor('test');
export const GOOD_PASSWORD = 'Correct-Horse-42-Battery';

export function servicesFor(store: Store): { services: Services; events: DomainEvent[] } {
  const bus = new InProcessEventBus();
  const events: DomainEvent[] = [];
  bus.subscribe('*', (e) => events.push(e));
  return { services: createServices(store, bus, { nationalDomain: NATIONAL }), events };
}
