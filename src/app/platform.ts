/**
 * Composition root: the one place that picks the concrete store engine and event bus for a
 * configuration and wires the domain services to them. The CLI and `serve` both start here.
 */
import type { Config } from '../config/config.js';
import { InProcessEventBus } from '../core/events/bus.js';
import { createServices, type Services } from '../core/services.js';
import { openStore } from '../store/open.js';
import type { Store } from '../store/types.js';

export interface Platform {
  config: Config;
  store: Store;
  services: Services;
  close(): Promise<void>;
}

export async function openPlatform(config: Config): Promise<Platform> {
  const store = await openStore(config.database, config.dataDir);
  const bus = new InProcessEventBus();
  const services = createServices(store, bus, { nationalDomain: config.nationalDomain });
  return {
    config,
    store,
    services,
    async close() {
      await bus.close();
      await store.close();
    },
  };
}
