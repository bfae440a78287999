/**
 * /api/v1/calendar/resources/{address}/booking: an administrator makes an account's calendar a
 * bookable room or piece of equipment (it then answers invitations itself: accepted when free,
 * declined on a conflict) or turns that off. Scope is the account's organisation (core policy).
 */
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import type { Services } from '../../../../core/services.js';
import { accountInScope } from '../accounts/scope.js';
import { defineRoute } from '../route.js';
import type { RouteRegistry } from '../route-registry.js';
import { actorOf } from '../session/routes.js';

const Params = z.object({ address: z.string().min(3).max(320) });
const Body = z.object({ booking: z.enum(['auto', 'none']).describe('auto: accept invitations when free, decline on a conflict; none: a person answers') });
const Out = z.object({ address: z.string(), booking: z.enum(['auto', 'none']) });

export function registerBookingRoutes(app: FastifyInstance, services: Services, registry: RouteRegistry): void {
  defineRoute(
    app, services, registry,
    { method: 'put', path: '/api/v1/calendar/resources/{address}/booking', tag: 'calendar', summary: 'Make an account a bookable room or equipment calendar (auto-answers invitations), or a person again', params: Params, body: Body, response: Out },
    async ({ caller, params, body, req }) => {
      const account = await accountInScope(services, caller, params.address, 'write');
      await services.calendar.service.setBooking(account.address, body.booking, actorOf(caller, req.ip));
      return { address: account.address, booking: body.booking };
    },
  );
}
