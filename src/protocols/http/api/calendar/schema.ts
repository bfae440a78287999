/** Request and response shapes of /api/v1/calendar (free/busy, calendars, agenda, sharing, answers). */
import { z } from 'zod';

const instant = z.coerce.date().describe('ISO 8601 date-time');

export const FreeBusyQuerySchema = z.object({
  attendees: z.string().min(3).max(4000).describe('Comma-separated addresses'),
  start: instant,
  end: instant,
});

export const BusySchema = z.object({
  start: z.string(),
  end: z.string(),
  type: z.enum(['BUSY', 'BUSY-TENTATIVE', 'BUSY-UNAVAILABLE']),
  summary: z.string().optional().describe('Only on calendars you may read'),
});

export const FreeBusyResponseSchema = z.object({
  attendees: z.array(z.object({ address: z.string(), status: z.enum(['ok', 'unknown', 'forbidden']), busy: z.array(BusySchema) })),
});

export const CalendarSchema = z.object({
  owner: z.string(),
  path: z.string(),
  displayName: z.string(),
  color: z.string().nullable(),
  rights: z.string().describe('RFC 4314 letters: l free/busy, r read, w/i/t/e write, p delegate, a share'),
  booking: z.enum(['none', 'auto']),
});

export const CalendarsResponseSchema = z.object({ calendars: z.array(CalendarSchema) });

export const CalendarParamsSchema = z.object({ owner: z.string().max(320), calendar: z.string().max(200) });

export const AgendaQuerySchema = z.object({ start: instant, end: instant });

export const AgendaResponseSchema = z.object({
  items: z.array(
    z.object({
      objectName: z.string(),
      uid: z.string(),
      recurrenceId: z.string().nullable(),
      kind: z.string(),
      start: z.string(),
      end: z.string(),
      allDay: z.boolean(),
      summary: z.string(),
      location: z.string().nullable(),
      status: z.string().nullable(),
      organizer: z.string().nullable(),
      attendees: z.array(z.object({ address: z.string(), partstat: z.string(), name: z.string().nullable() })),
      etag: z.string(),
    }),
  ),
});

export const ShareBodySchema = z.object({
  grantee: z.string().min(3).max(320),
  rights: z.string().max(20).describe('freebusy, read, write, delegate, full, RFC 4314 letters, or "" to revoke'),
});

export const ShareResponseSchema = z.object({ grantee: z.string(), rights: z.string() });

export const RespondParamsSchema = z.object({ uid: z.string().min(1).max(500) });

export const RespondBodySchema = z.object({
  partstat: z.enum(['ACCEPTED', 'DECLINED', 'TENTATIVE']),
  owner: z.string().max(320).optional().describe('Answer for this person (you need the delegate right on their calendar)'),
});

export const OkSchema = z.object({ ok: z.literal(true) });
