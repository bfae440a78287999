/**
 * Chooses the SMS gateway for a configuration (SMPP, an HTTP provider, or none) and builds the SMS
 * context on it; `serve` starts and stops it with the other workers.
 */
import type { Logger } from 'pino';
import type { Config } from '../config/config.js';
import type { Services } from '../core/services.js';
import { CalendarAppointments } from '../core/sms/calendar-appointments.js';
import { SmsModule } from '../core/sms/sms-module.js';
import { DEFAULT_SMS_OPTIONS } from '../core/sms/types.js';
import { DisabledSmsGateway } from '../gateways/sms/disabled-gateway.js';
import { HttpSmsGateway } from '../gateways/sms/http-gateway.js';
import { SmppGateway } from '../gateways/sms/smpp-gateway.js';
import type { SmsGateway } from '../gateways/types.js';
import type { Store } from '../store/types.js';

export const SMS_DISABLED_REASON = 'SMS sending is not configured on this server: an administrator must set WARDPOST_SMPP_URL, WARDPOST_SMPP_SYSTEM_ID and WARDPOST_SMPP_PASSWORD (or WARDPOST_SMS_HTTP_URL)';

export function smsGatewayFor(config: Config): SmsGateway {
  const g = config.sms.gateway;
  if (g.kind === 'smpp') {
    return new SmppGateway({
      url: g.url,
      systemId: g.systemId,
      password: g.password,
      systemType: g.systemType,
      window: g.window,
      throughput: g.throughput,
      enquireLinkMs: g.enquireLinkMs,
      reconnectMinMs: g.reconnectMs,
      reconnectMaxMs: Math.max(g.reconnectMs, 30_000),
      responseTimeoutMs: 30_000,
      bindWaitMs: 5_000,
    });
  }
  if (g.kind === 'http') return new HttpSmsGateway({ url: g.url, token: g.token, callbackToken: g.callbackToken, timeoutMs: 15_000 });
  return new DisabledSmsGateway(SMS_DISABLED_REASON);
}

export function createSms(config: Config, store: Store, services: Services, gateway: SmsGateway = smsGatewayFor(config)): SmsModule {
  const sms = new SmsModule(store, services, gateway, {
    ...DEFAULT_SMS_OPTIONS,
    disabledReason: gateway.enabled ? null : SMS_DISABLED_REASON,
    defaultSenderId: config.sms.senderId,
    country: config.sms.country,
    smsDomain: config.sms.domain,
    retryBaseMs: config.sms.retryBaseMs,
    expiryMs: config.sms.expiryMs,
  });
  // Appointment reminders come from the calendars (and YES/CANCEL replies go back to them).
  sms.useAppointments(new CalendarAppointments(store, services.calendar, services.bus));
  return sms;
}

/** Starts the SMS workers for `serve` (the gateway binds in the background and keeps retrying). */
export async function startSms(platform: { sms: SmsModule }, logger: Logger): Promise<void> {
  const log = logger.child({ component: 'sms' });
  const sink = (level: 'info' | 'warn' | 'error', detail: Record<string, unknown>, msg: string) => log[level](detail, msg);
  platform.sms.useLogger(sink);
  if (platform.sms.gateway instanceof SmppGateway) platform.sms.gateway.log = sink;
  await platform.sms.start();
}
