/** /api/v1/calendar: free/busy, the calendars one can see, an agenda window, sharing, answering invitations. Thin over core/calendar. */
import type { FastifyInstance } from 'fastify';
import { agenda } from '../../../../core/calendar/agenda.js';
import { toInfo, type CalendarRef } from '../../../../core/calendar/calendar-service.js';
import type { Services } from '../../../../core/services.js';
import { defineRoute } from '../route.js';
import type { RouteRegistry } from '../route-registry.js';
import {
  AgendaQuerySchema, AgendaResponseSchema, CalendarParamsSchema, CalendarsResponseSchema, FreeBusyQuerySchema, FreeBusyResponseSchema, OkSchema,
  RespondBodySchema, RespondParamsSchema, ShareBodySchema, ShareResponseSchema,
} from './schema.js';

const iso = (ms: number) => new Date(ms).toISOString();
const calendarOut = (ref: CalendarRef) => {
  const i = toInfo(ref);
  return { owner: i.ownerAddress, path: i.path, displayName: i.displayName, color: i.color, rights: i.rights, booking: i.booking };
};

export function registerCalendarRoutes(app: FastifyInstance, services: Services, registry: RouteRegistry): void {
  const cal = services.calendar;

  defineRoute(
    app, services, registry,
    { method: 'get', path: '/api/v1/calendar/freebusy', tag: 'calendar', summary: 'Busy time of colleagues (busy blocks only, unless their calendar is shared with you)', query: FreeBusyQuerySchema, response: FreeBusyResponseSchema },
    async ({ caller, query }) => {
      const addresses = query.attendees.split(',').map((a) => a.trim()).filter(Boolean).slice(0, 100);
      const answers = await cal.freeBusy.lookup(caller.account, addresses, query.start.getTime(), query.end.getTime());
      return { attendees: answers.map((a) => ({ address: a.address, status: a.status, busy: a.busy.map((b) => ({ start: iso(b.start), end: iso(b.end), type: b.type, ...(b.summary !== undefined ? { summary: b.summary } : {}) })) })) };
    },
  );

  defineRoute(
    app, services, registry,
    { method: 'get', path: '/api/v1/calendar/calendars', tag: 'calendar', summary: 'Your calendars and those shared with you', response: CalendarsResponseSchema },
    async ({ caller }) => {
      const own = (await cal.service.home(caller.account, caller.account.address)).filter((r) => r.row.kind === 'calendar');
      const shared = (await cal.service.sharedWith(caller.account)).filter((r) => r.row.kind === 'calendar');
      return { calendars: [...own, ...shared].map(calendarOut) };
    },
  );

  defineRoute(
    app, services, registry,
    { method: 'get', path: '/api/v1/calendar/calendars/{owner}/{calendar}/agenda', tag: 'calendar', summary: 'Event and task instances in a window (recurrence expanded)', params: CalendarParamsSchema, query: AgendaQuerySchema, response: AgendaResponseSchema },
    async ({ caller, params, query }) => {
      const ref = await cal.service.open(caller.account, params.owner, params.calendar, 'read');
      const items = await agenda(cal.service, ref, query.start.getTime(), query.end.getTime());
      return { items: items.map((i) => ({ ...i, start: iso(i.start), end: iso(i.end) })) };
    },
  );

  defineRoute(
    app, services, registry,
    { method: 'post', path: '/api/v1/calendar/calendars/{owner}/{calendar}/shares', tag: 'calendar', summary: 'Share a calendar (free/busy, read, write, delegate) or revoke with rights ""', params: CalendarParamsSchema, body: ShareBodySchema, response: ShareResponseSchema },
    async ({ caller, params, body, req }) => {
      const rights = await cal.sharing.share(caller.account, { owner: params.owner, calendar: params.calendar, grantee: body.grantee, rights: body.rights }, { kind: 'account', label: caller.account.address, accountId: caller.account.id, ip: req.ip });
      return { grantee: body.grantee, rights };
    },
  );

  defineRoute(
    app, services, registry,
    { method: 'post', path: '/api/v1/calendar/invitations/{uid}/respond', tag: 'calendar', summary: 'Accept, decline or tentatively accept an invitation (yours, or as a delegate)', params: RespondParamsSchema, body: RespondBodySchema, response: OkSchema },
    async ({ caller, params, body }) => {
      await cal.scheduling.respond(caller.account, body.owner ?? caller.account.address, params.uid, body.partstat);
      return { ok: true as const };
    },
  );
}
