/** Prometheus metrics of the node, fed from domain events so core/ stays free of metric code. */
import { Counter, Gauge, Registry, collectDefaultMetrics } from 'prom-client';
import type { Platform } from './platform.js';

export function createMetrics(platform: Platform): Registry {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: 'wardpost_process_' });
  const delivered = new Counter({ name: 'wardpost_messages_delivered_total', help: 'Mailbox copies delivered locally', registers: [registry] });
  const accounts = new Counter({ name: 'wardpost_accounts_created_total', help: 'Accounts created since start', registers: [registry] });
  new Gauge({
    name: 'wardpost_store_up',
    help: '1 when the store answers a ping',
    registers: [registry],
    async collect() {
      try {
        await platform.store.ping();
        this.set(1);
      } catch {
        this.set(0);
      }
    },
  });
  platform.services.bus.subscribe('mail.delivered', () => delivered.inc());
  platform.services.bus.subscribe('account.created', () => accounts.inc());
  return registry;
}
