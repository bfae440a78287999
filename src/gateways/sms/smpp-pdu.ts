/**
 * SMPP 3.4 field helpers without I/O: addresses (section 5.2.5-5.2.8), data_coding (5.2.19),
 * the concatenation user data header (3GPP TS 23.040 section 9.2.3.24.1), delivery receipt text
 * (appendix B) and reassembly of concatenated inbound messages.
 */
import type { SmsInbound, SmsReceipt } from '../types.js';

/** Source address fields: an alphanumeric sender ID is TON 5, a number is international (TON 1, NPI 1). */
export function sourceAddress(from: string): { source_addr_ton: number; source_addr_npi: number; source_addr: string } {
  if (/^\+?\d+$/.test(from)) return { source_addr_ton: 1, source_addr_npi: 1, source_addr: from.replace(/^\+/, '') };
  return { source_addr_ton: 5, source_addr_npi: 0, source_addr: from };
}

/** data_coding: 0 (SMSC default alphabet, GSM 03.38) or 8 (UCS-2). */
export function gsmDataCoding(encoding: 'gsm7' | 'ucs2'): number {
  return encoding === 'ucs2' ? 0x08 : 0x00;
}

/** UDH with IE 0x00 (concatenated, 8-bit reference): 05 00 03 ref total seq. */
export function udhFor(reference: number, total: number, seq: number): Buffer {
  return Buffer.from([0x05, 0x00, 0x03, reference & 0xff, total, seq]);
}

/** Reads a concatenation IE (0x00 8-bit or 0x08 16-bit reference) from decoded UDH elements. */
export function concatInfo(udh: unknown): { ref: number; total: number; seq: number } | null {
  if (!Array.isArray(udh)) return null;
  for (const ie of udh as Buffer[]) {
    if (ie[0] === 0x00 && ie.length >= 5) return { ref: ie[2]!, total: ie[3]!, seq: ie[4]! };
    if (ie[0] === 0x08 && ie.length >= 6) return { ref: ie.readUInt16BE(2), total: ie[4]!, seq: ie[5]! };
  }
  return null;
}

const STATES: Record<string, SmsReceipt['state']> = {
  DELIVRD: 'delivered',
  EXPIRED: 'expired',
  UNDELIV: 'failed',
  REJECTD: 'failed',
  DELETED: 'failed',
  ACCEPTD: 'accepted',
  ENROUTE: 'accepted',
  UNKNOWN: 'unknown',
};
/** message_state TLV values (section 5.2.28). */
const TLV_STATES: Record<number, SmsReceipt['state']> = { 1: 'accepted', 2: 'delivered', 3: 'expired', 4: 'failed', 5: 'failed', 6: 'accepted', 7: 'unknown', 8: 'failed' };

function textOf(sm: unknown): string {
  if (typeof sm === 'string') return sm;
  if (sm && typeof sm === 'object' && 'message' in sm) {
    const m = (sm as { message: unknown }).message;
    return Buffer.isBuffer(m) ? m.toString('latin1') : String(m);
  }
  return Buffer.isBuffer(sm) ? sm.toString('latin1') : '';
}

/** A receipt from deliver_sm: the receipted_message_id and message_state TLVs, else the appendix B text. */
export function parseReceipt(pdu: Record<string, unknown>): SmsReceipt | null {
  const text = textOf(pdu.short_message);
  const id = (typeof pdu.receipted_message_id === 'string' && pdu.receipted_message_id) || /\bid:(\S+)/i.exec(text)?.[1];
  if (!id) return null;
  const stat = /\bstat:(\w+)/i.exec(text)?.[1]?.toUpperCase();
  const state = (typeof pdu.message_state === 'number' ? TLV_STATES[pdu.message_state] : undefined) ?? (stat ? STATES[stat] : undefined) ?? 'unknown';
  const err = /\berr:(\w+)/i.exec(text)?.[1];
  return { messageId: id, state, ...(err && err !== '000' && state !== 'delivered' ? { error: `stat:${stat ?? state} err:${err}` } : {}) };
}

/**
 * A message (or one part of a concatenated message) from a phone. Parts are not put together
 * here: the core keeps them in the store until the last one arrives, so a restart between parts
 * loses nothing the SMSC was told we received.
 */
export function inboundOf(pdu: Record<string, unknown>): SmsInbound {
  const sm = pdu.short_message as { udh?: unknown; message?: unknown } | string | undefined;
  const from = `+${String(pdu.source_addr ?? '').replace(/^\+/, '')}`;
  const to = String(pdu.destination_addr ?? '');
  const text = typeof pdu.message_payload === 'object' && pdu.message_payload && 'message' in pdu.message_payload ? String((pdu.message_payload as { message: unknown }).message) : textOf(sm);
  const info = typeof sm === 'object' ? concatInfo(sm.udh) : null;
  if (!info || info.total <= 1) return { from, to, text };
  return { from, to, text, part: { ref: String(info.ref), seq: info.seq, total: info.total } };
}
