/**
 * /api/v1/sms: send (now or scheduled), preview (encoding and part count before sending), bulk
 * mail-merge sends from a list or CSV, status of sent messages, cancel, the opt-out list, usage,
 * and an organisation's SMS settings. Every rule lives in core/sms; this only maps HTTP to it.
 */
import type { FastifyInstance } from 'fastify';
import type { Services } from '../../../../core/services.js';
import type { SmsModule } from '../../../../core/sms/sms-module.js';
import type { SmsRequester } from '../../../../core/sms/types.js';
import { adminPrincipal } from '../accounts/routes.js';
import { assertScope, type Caller } from '../auth.js';
import { defineRoute } from '../route.js';
import type { RouteRegistry } from '../route-registry.js';
import { actorOf } from '../session/routes.js';
import { WardpostError, type ErrorCode } from '../../../../core/errors.js';
import type { SmsCallbackResult } from '../../../../gateways/types.js';
import * as S from './schema.js';

const requester = (c: Caller, ip: string): SmsRequester => {
  assertScope(c, 'sms:send');
  return { kind: 'account', account: c.account, ip, token: c.via === 'token' };
};
const at = (iso: string | undefined) => (iso === undefined ? undefined : Date.parse(iso));

export function registerSmsRoutes(app: FastifyInstance, services: Services, registry: RouteRegistry, sms: SmsModule): void {
  const svc = sms.service;
  const tag = 'sms';

  defineRoute(app, services, registry, { method: 'post', path: '/api/v1/sms', tag, summary: 'Send an SMS (or schedule it with sendAt)', body: S.SendBody, response: S.SmsRecordSchema }, async ({ caller, body, req }) =>
    svc.send(requester(caller, req.ip), { to: body.to, body: body.body, source: 'api', ...(body.org ? { org: body.org } : {}), ...(body.sendAt ? { sendAt: at(body.sendAt)! } : {}) }),
  );

  defineRoute(app, services, registry, { method: 'post', path: '/api/v1/sms/preview', tag, summary: 'Encoding and number of parts of a text, before sending', body: S.PreviewBody, response: S.PreviewResponse }, async ({ body }) => svc.preview(body.body));

  defineRoute(app, services, registry, { method: 'post', path: '/api/v1/sms/bulk', tag, summary: 'Mail-merge send to a list or CSV ({{name}}, {{date}}, {{clinic}})', body: S.BulkBody, response: S.BulkResponse }, async ({ caller, body, req }) =>
    svc.bulk(requester(caller, req.ip), {
      template: body.template,
      ...(body.csv !== undefined ? { csv: body.csv } : {}),
      ...(body.recipients ? { recipients: body.recipients.map((r) => ({ to: r.to, fields: { ...(r.fields ?? {}), ...(r.name ? { name: r.name } : {}), ...(r.date ? { date: r.date } : {}), ...(r.clinic ? { clinic: r.clinic } : {}) } })) } : {}),
      ...(body.org ? { org: body.org } : {}),
      ...(body.sendAt ? { sendAt: at(body.sendAt)! } : {}),
    }),
  );

  defineRoute(app, services, registry, { method: 'get', path: '/api/v1/sms', tag, summary: 'SMS you sent (administrators: their organisations), newest first', query: S.ListQuery, response: S.SmsList }, async ({ caller, query, req }) => ({
    items: await svc.list(requester(caller, req.ip), { ...(query.status ? { status: query.status } : {}), ...(query.batch ? { batchId: query.batch } : {}), ...(query.before ? { beforeId: query.before } : {}), ...(query.limit ? { limit: query.limit } : {}) }),
  }));

  defineRoute(app, services, registry, { method: 'get', path: '/api/v1/sms/opt-outs', tag, summary: "Numbers that replied STOP to the organisation's messages", query: S.OrgQuery, response: S.OptOutList }, async ({ caller, query, req }) => ({
    items: await svc.optOuts(requester(caller, req.ip), query.org),
  }));

  for (const [method, optedOut, summary] of [
    ['put', true, 'Add a number to the opt-out list (the patient asked)'],
    ['delete', false, 'Remove a number from the opt-out list'],
  ] as const) {
    defineRoute(app, services, registry, { method, path: '/api/v1/sms/opt-outs/{number}', tag, summary, params: S.NumberParams, query: S.OrgQuery, response: S.Ok }, async ({ caller, params, query, req }) => {
      await svc.setOptOut(requester(caller, req.ip), params.number, optedOut, query.org);
      return { ok: true };
    });
  }

  defineRoute(app, services, registry, { method: 'get', path: '/api/v1/sms/usage', tag, summary: 'Messages and parts per organisation and day', query: S.UsageQuery, response: S.UsageList }, async ({ caller, query }) => {
    const p = await adminPrincipal(services, caller, 'read');
    const since = query.since ?? new Date(Date.now() - 31 * 86_400_000).toISOString().slice(0, 10);
    let orgIds: number[] | null;
    if (query.org) {
      const id = (await services.orgs.get(query.org)).id;
      services.policy.assertOrg(p, id, 'read');
      orgIds = [id];
    } else {
      const visible = services.policy.visibleOrgs(p);
      orgIds = visible === null ? null : [...visible];
    }
    return { items: await svc.usage(orgIds, since) };
  });

  defineRoute(app, services, registry, { method: 'get', path: '/api/v1/sms/settings/{org}', tag, summary: "An organisation's sender ID, monthly cap and reply mailbox", params: S.OrgParams, response: S.SettingsSchema }, async ({ caller, params }) => {
    const p = await adminPrincipal(services, caller, 'read');
    const org = await services.orgs.get(params.org);
    services.policy.assertOrg(p, org.id, 'read');
    return svc.settings(org.id);
  });

  defineRoute(app, services, registry, { method: 'put', path: '/api/v1/sms/settings/{org}', tag, summary: 'Set the sender ID, monthly cap (parts) and reply mailbox', params: S.OrgParams, body: S.SettingsBody, response: S.SettingsSchema }, async ({ caller, params, body, req }) => {
    const p = await adminPrincipal(services, caller, 'write');
    const org = await services.orgs.get(params.org);
    services.policy.assertOrg(p, org.id, 'write');
    return svc.putSettings(actorOf(caller, req.ip), org.id, body);
  });

  defineRoute(app, services, registry, { method: 'get', path: '/api/v1/sms/gateway', tag, summary: 'Whether the SMS centre is configured and bound', response: S.GatewayState }, async () => ({ gateway: sms.gateway.name, enabled: sms.gateway.enabled, ...sms.gateway.state() }));

  // Receipts and replies pushed by an HTTP SMS provider; authenticated by the provider's callback token, not a session.
  const callbackError: Record<400 | 401 | 404 | 503, ErrorCode> = { 400: 'invalid_input', 401: 'unauthenticated', 404: 'not_found', 503: 'temporary_failure' };
  defineRoute(app, services, registry, { method: 'post', path: '/api/v1/sms/provider/callback', tag, public: true, summary: 'Delivery receipts and inbound SMS from the HTTP SMS provider (bearer callback token)', body: S.ProviderCallback, response: S.Ok }, async ({ req, body }) => {
    const res: SmsCallbackResult = sms.gateway.callback ? await sms.gateway.callback(req.headers.authorization, body) : { ok: false, status: 404, message: 'this server sends SMS through an SMS centre (SMPP), which reports over SMPP, not HTTP' };
    if (!res.ok) throw new WardpostError(callbackError[res.status], res.message, res.field ? { field: res.field } : {});
    return { ok: true };
  });

  defineRoute(app, services, registry, { method: 'get', path: '/api/v1/sms/{id}', tag, summary: 'One SMS and its status', params: S.IdParams, response: S.SmsRecordSchema }, async ({ caller, params, req }) => svc.get(requester(caller, req.ip), params.id));

  defineRoute(app, services, registry, { method: 'delete', path: '/api/v1/sms/{id}', tag, summary: 'Cancel a queued or scheduled SMS', params: S.IdParams, response: S.SmsRecordSchema }, async ({ caller, params, req }) => svc.cancel(requester(caller, req.ip), params.id));
}
