/**
 * Push over EventSource (RFC 8620 section 7.3): a StateChange event whenever the state of a type
 * in one of the user's accounts moves. Fed by the domain event bus (the same one IMAP IDLE
 * listens to), never by polling; bursts of events are coalesced into one computation.
 */
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Account } from '../../core/accounts/account-service.js';
import type { DomainEvent } from '../../core/events/bus.js';
import { MailViews } from '../../core/mail/mail-views.js';
import type { Services } from '../../core/services.js';
import { accountIdOf } from './context.js';

const COALESCE_MS = 30;
const TYPES = ['Email', 'Mailbox', 'Thread', 'EmailDelivery'] as const;

/** Current states of every account the viewer uses: { accountId: { Email, Mailbox, Thread } }. */
async function states(services: Services, viewer: Account): Promise<Record<string, Record<string, string>>> {
  const out: Record<string, Record<string, string>> = {};
  for (const a of await services.mailViews.accounts(viewer.id)) {
    const s = MailViews.state(await services.mailViews.folders(viewer.id, a.ownerId));
    out[accountIdOf(a.ownerId)] = { Email: s, Mailbox: s, Thread: s, EmailDelivery: s };
  }
  return out;
}

export function eventSource(services: Services, viewer: Account, req: FastifyRequest, reply: FastifyReply): void {
  const q = req.query as Record<string, string | undefined>;
  const wanted = !q.types || q.types === '*' ? new Set<string>(TYPES) : new Set(q.types.split(','));
  const closeAfterState = q.closeafter === 'state';
  const ping = Math.min(Math.max(Number(q.ping ?? 0) || 0, 0), 3600);
  reply.hijack();
  const res = reply.raw;
  res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache', connection: 'keep-alive', 'x-accel-buffering': 'no' });
  res.write(': connected\n\n');

  let last: Record<string, Record<string, string>> | null = null;
  let owners = new Set<number>();
  let timer: NodeJS.Timeout | null = null;
  let delivered = false;
  let closed = false;
  let running = Promise.resolve();

  const refresh = async () => {
    const now = await states(services, viewer);
    owners = new Set(Object.keys(now).map((k) => Number(k.slice(1))));
    if (!last) {
      last = now;
      return;
    }
    const changed: Record<string, Record<string, string>> = {};
    for (const [acct, s] of Object.entries(now)) {
      const before = last[acct];
      const diff: Record<string, string> = {};
      for (const t of TYPES) {
        if (!wanted.has(t)) continue;
        if (t === 'EmailDelivery' && !delivered) continue;
        if (!before || before[t] !== s[t]) diff[t] = s[t]!;
      }
      if (Object.keys(diff).length) changed[acct] = diff;
    }
    delivered = false;
    last = now;
    if (!Object.keys(changed).length || closed) return;
    res.write(`event: state\ndata: ${JSON.stringify({ '@type': 'StateChange', changed })}\n\n`);
    if (closeAfterState) close();
  };
  const schedule = () => {
    if (timer || closed) return;
    timer = setTimeout(() => {
      timer = null;
      running = running.then(refresh).catch((err: unknown) => req.log.error({ err }, 'JMAP push state failed'));
    }, COALESCE_MS);
  };
  const onEvent = (e: DomainEvent) => {
    if (!('accountId' in e)) return;
    if (e.accountId !== viewer.id && !owners.has(e.accountId) && e.type !== 'mailbox.changed') return;
    if (e.type === 'mail.delivered') delivered = true;
    schedule();
  };
  const unsubscribe = services.bus.subscribe('*', onEvent);
  const pinger = ping > 0 ? setInterval(() => res.write(`event: ping\ndata: ${JSON.stringify({ interval: ping })}\n\n`), ping * 1000) : null;
  function close() {
    if (closed) return;
    closed = true;
    unsubscribe();
    if (pinger) clearInterval(pinger);
    if (timer) clearTimeout(timer);
    res.end();
  }
  req.raw.on('close', close);
  running = running.then(refresh).catch((err: unknown) => req.log.error({ err }, 'JMAP push state failed'));
}
