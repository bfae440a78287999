/** Per-organisation SMS settings: sender ID, monthly cap (parts) and the mailbox replies go to. */
import { invalid } from '../errors.js';
import type { Store } from '../../store/types.js';

export interface SmsSettings {
  orgId: number;
  senderId: string;
  /** Parts per calendar month (UTC); 0 = no cap. */
  monthlyCap: number;
  replyAddress: string | null;
}

/**
 * A sender ID is up to 11 alphanumeric characters (3GPP TS 23.040 section 9.1.2.5, alphanumeric
 * TP-OA) or a number of up to 15 digits.
 */
export function checkSenderId(v: string): string {
  const s = v.trim();
  if (/^\+?\d{3,15}$/.test(s) || /^(?=.*[A-Za-z])[A-Za-z0-9 .&-]{1,11}$/.test(s)) return s;
  throw invalid(`"${v}" is not a sender ID: up to 11 letters and digits (with a letter), or a number of up to 15 digits`, { field: 'senderId' });
}

export async function readSettings(store: Pick<Store, 'sms'>, orgId: number, defaultSenderId: string): Promise<SmsSettings> {
  const r = await store.sms.settings(orgId);
  return { orgId, senderId: r?.sender_id ?? defaultSenderId, monthlyCap: r?.monthly_cap ?? 0, replyAddress: r?.reply_address ?? null };
}

/** "2026-11" and "2026-11-22" (UTC) for the usage counters. */
export function usagePeriods(at: number): { month: string; day: string } {
  const d = new Date(at).toISOString();
  return { month: d.slice(0, 7), day: d.slice(0, 10) };
}
