/**
 * SMS benchmark: sustained messages a second from Wardpost's durable SMS queue through the SMPP
 * client (window 10) to the SMSC simulator on loopback, receipts included. Prints a table with
 * our rate beside the SMSC's throughput setting, measured in the same run.
 *
 *   npm run build && node dist/bench/sms.js     (WARDPOST_BENCH_SMS_COUNT=35000, _SMSC_RATE=200)
 *
 * Run 1: the SMSC allows SMSC_RATE submit_sm a second (beyond it ESME_RTHROTTLED, as real SMSCs
 * do) and our connection is set to the same contracted rate: the day's reminders must take under
 * 5 minutes and be limited by the SMSC, not by us. Run 2: no SMSC limit, to show our own ceiling.
 * Messages are queued first (a bulk mail-merge, as reminders are), then the clock starts.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { SYSTEM_ACTOR } from '../src/core/actor.js';
import { InProcessEventBus, type EventBus } from '../src/core/events/bus.js';
import { createServices } from '../src/core/services.js';
import { SmsModule } from '../src/core/sms/sms-module.js';
import { DEFAULT_SMS_OPTIONS } from '../src/core/sms/types.js';
import { SmppGateway } from '../src/gateways/sms/smpp-gateway.js';
import { openStore } from '../src/store/open.js';
import { SmscSimulator } from '../test/helpers/smsc-simulator.js';

const COUNT = Number(process.env.WARDPOST_BENCH_SMS_COUNT ?? 35_000);
const SMSC_RATE = Number(process.env.WARDPOST_BENCH_SMS_SMSC_RATE ?? 200);
const UNLIMITED_COUNT = Number(process.env.WARDPOST_BENCH_SMS_UNLIMITED_COUNT ?? 10_000);
const WINDOW = 10;

interface Result {
  run: string;
  smscLimit: string;
  messages: number;
  seconds: number;
  rate: number;
  deliveredRate: number;
  throttled: number;
}

async function run(name: string, count: number, smscRate: number, ourRate: number): Promise<Result> {
  const dir = mkdtempSync(path.join(tmpdir(), 'wp-bench-sms-'));
  const sim = new SmscSimulator({ throughput: smscRate, receiptDelayMs: 5 });
  await sim.start();
  const store = await openStore({ kind: 'sqlite', file: path.join(dir, 'wardpost.sqlite') }, dir);
  const bus: EventBus = new InProcessEventBus();
  const services = createServices(store, bus, { nationalDomain: 'wardpost.test' });
  const org = await services.orgs.create({ slug: 'bench-clinic', name: 'Bench Clinic', kind: 'practice' }, SYSTEM_ACTOR);
  const gateway = new SmppGateway({ url: sim.url, systemId: 'wardpost', password: 'secret', systemType: '', window: WINDOW, throughput: ourRate, enquireLinkMs: 30_000, reconnectMinMs: 100, reconnectMaxMs: 5000, responseTimeoutMs: 30_000, bindWaitMs: 10_000 });
  const sms = new SmsModule(store, services, gateway, { ...DEFAULT_SMS_OPTIONS });
  const requester = { kind: 'system' as const, label: 'bench', orgId: org.id, accountId: null, replyAddress: null };
  for (let i = 0; i < count; i += 5000) {
    const recipients = Array.from({ length: Math.min(5000, count - i) }, (_, k) => ({ to: `+4474${String(i + k).padStart(8, '0')}`, fields: { clinic: 'Riverside Surgery', date: `Mon 1 Dec ${String(8 + ((i + k) % 10)).padStart(2, '0')}:30` } }));
    await sms.service.bulk(requester, { template: 'Reminder: your appointment at {{clinic}} is on {{date}}. Reply YES to confirm or CANCEL to cancel.', recipients });
  }
  let sent = 0;
  let delivered = 0;
  let lastSent = 0;
  let lastDelivered = 0;
  const t0 = performance.now();
  bus.subscribe('sms.status', (e) => {
    if (e.status === 'sent' && ++sent === count) lastSent = performance.now();
    if (e.status === 'delivered' && ++delivered === count) lastDelivered = performance.now();
  });
  await sms.start({ queueIntervalMs: 200 });
  while (!lastSent || !lastDelivered) await new Promise((r) => setTimeout(r, 100));
  const seconds = (lastSent - t0) / 1000;
  if (process.env.WARDPOST_BENCH_SMS_DEBUG) console.error(name, store.commitStats());
  const result = { run: name, smscLimit: smscRate ? `${smscRate}/s` : 'none', messages: count, seconds, rate: count / seconds, deliveredRate: count / ((lastDelivered - t0) / 1000), throttled: sim.throttled };
  await sms.stop();
  await store.close();
  await sim.kill();
  rmSync(dir, { recursive: true, force: true });
  return result;
}

const results = [await run('SMSC at its contracted rate', COUNT, SMSC_RATE, SMSC_RATE), await run('SMSC without a limit', UNLIMITED_COUNT, 0, 100_000)];
const rows = results.map((r) => [r.run, r.smscLimit, String(r.messages), `${r.seconds.toFixed(1)} s`, `${r.rate.toFixed(0)}/s`, `${r.deliveredRate.toFixed(0)}/s`, String(r.throttled), `${((35_000 / r.rate) / 60).toFixed(1)} min`]);
const head = ['run', 'SMSC limit', 'messages', 'time to send all', 'Wardpost sent', 'receipts done', 'SMSC throttled', '35,000 at this rate'];
const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
const line = (cells: string[]) => `| ${cells.map((c, i) => c.padEnd(widths[i]!)).join(' | ')} |`;
console.log(`SMS through SMPP (window ${WINDOW}, 1 connection, receipts on, SQLite store)`);
console.log(line(head));
console.log(`|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`);
for (const r of rows) console.log(line(r));
const goal = results[0]!;
console.log(`\n35,000 reminders: ${((35_000 / goal.rate) / 60).toFixed(1)} minutes at ${goal.rate.toFixed(0)}/s against an SMSC limit of ${SMSC_RATE}/s (goal: under 5 minutes, limited by the SMSC).`);
