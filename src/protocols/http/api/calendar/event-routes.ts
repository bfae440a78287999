/**
 * Events as JSON for the web calendar: read one for its edit form, save (create or replace) and
 * delete. Thin over core/calendar/event-form.ts and CalendarService, the path CalDAV takes too,
 * so saving a meeting invites its attendees and deleting it cancels.
 */
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { eventFromICalendar, eventToICalendar, WEEKDAYS } from '../../../../core/calendar/event-form.js';
import type { Services } from '../../../../core/services.js';
import { defineRoute } from '../route.js';
import type { RouteRegistry } from '../route-registry.js';

const Params = z.object({ owner: z.string().min(3).max(320), calendar: z.string().min(1).max(200), name: z.string().regex(/^[A-Za-z0-9._@-]{1,200}\.ics$/, 'an object name such as 2f0c….ics') });
const iso = z.iso.datetime({ offset: true });
const EventBody = z.object({
  title: z.string().max(500),
  start: iso,
  end: iso,
  allDay: z.boolean().default(false),
  location: z.string().max(500).nullable().default(null),
  description: z.string().max(20_000).nullable().default(null),
  private: z.boolean().default(false).describe('CLASS:PRIVATE: people sharing the calendar see only that the time is taken'),
  attendees: z.array(z.string().min(3).max(320)).max(200).default([]),
  repeat: z
    .object({ freq: z.enum(['DAILY', 'WEEKLY', 'MONTHLY']), interval: z.number().int().min(1).max(366).default(1), byDay: z.array(z.enum(WEEKDAYS)).default([]), count: z.number().int().min(1).max(1000).nullable().default(null), until: iso.nullable().default(null) })
    .nullable()
    .default(null),
  ifMatch: z.string().max(200).optional().describe('the ETag you edited, so a change made meanwhile is not overwritten'),
});
const EventOut = z.object({
  name: z.string(),
  uid: z.string(),
  etag: z.string(),
  title: z.string(),
  start: z.string(),
  end: z.string(),
  allDay: z.boolean(),
  location: z.string().nullable(),
  description: z.string().nullable(),
  private: z.boolean(),
  organizer: z.string().nullable(),
  attendees: z.array(z.string()),
  repeat: z.object({ freq: z.string(), interval: z.number(), byDay: z.array(z.string()), count: z.number().nullable(), until: z.string().nullable() }).nullable(),
});

const isoOf = (ms: number) => new Date(ms).toISOString();

export function registerEventRoutes(app: FastifyInstance, services: Services, registry: RouteRegistry): void {
  const cal = services.calendar.service;
  const read = async (viewer: Parameters<typeof cal.open>[0], owner: string, calendar: string, name: string) => {
    const ref = await cal.open(viewer, owner, calendar, 'read');
    const row = await cal.getObject(ref, name);
    const e = eventFromICalendar(row.data);
    return { name, etag: row.etag, ...e, start: isoOf(e.start), end: isoOf(e.end), repeat: e.repeat && { ...e.repeat, until: e.repeat.until === null ? null : isoOf(e.repeat.until) } };
  };

  defineRoute(app, services, registry, { method: 'get', path: '/api/v1/calendar/calendars/{owner}/{calendar}/events/{name}', tag: 'calendar', summary: 'One event as the web calendar edits it', params: Params, response: EventOut }, async ({ caller, params }) =>
    read(caller.account, params.owner, params.calendar, params.name),
  );

  defineRoute(
    app, services, registry,
    { method: 'put', path: '/api/v1/calendar/calendars/{owner}/{calendar}/events/{name}', tag: 'calendar', summary: 'Create or change an event (attendees are invited, as from any calendar program)', params: Params, body: EventBody, response: EventOut },
    async ({ caller, params, body }) => {
      const ref = await cal.open(caller.account, params.owner, params.calendar, 'write');
      const existing = await cal.findObject(ref, params.name);
      // The organiser is the calendar's owner (a delegate saves on their behalf).
      const { ics } = eventToICalendar(
        {
          title: body.title,
          start: Date.parse(body.start),
          end: Date.parse(body.end),
          allDay: body.allDay,
          location: body.location,
          description: body.description,
          private: body.private,
          attendees: body.attendees,
          repeat: body.repeat && { ...body.repeat, until: body.repeat.until === null ? null : Date.parse(body.repeat.until) },
        },
        { address: ref.owner.address, name: ref.owner.display_name },
        existing?.data,
      );
      await cal.put(caller.account, ref, params.name, ics, existing ? { ifMatch: body.ifMatch ?? null } : { ifNoneMatch: true });
      return read(caller.account, params.owner, params.calendar, params.name);
    },
  );

  defineRoute(app, services, registry, { method: 'delete', path: '/api/v1/calendar/calendars/{owner}/{calendar}/events/{name}', tag: 'calendar', summary: 'Delete an event (attendees are told it is cancelled)', params: Params, response: z.object({ ok: z.literal(true) }) }, async ({ caller, params }) => {
    const ref = await cal.open(caller.account, params.owner, params.calendar, 'delete');
    await cal.delete(caller.account, ref, params.name);
    return { ok: true as const };
  });
}
