// Strict base64 (RFC 4648 section 4) for SASL exchanges (RFC 9051 section 6.2.2, RFC 4959):
// Node's decoder skips bad characters silently, so the text is checked first.

const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

/** True for a base64 character (including the pad). */
export function isBase64Char(b: number): boolean {
  return (b >= 0x41 && b <= 0x5a) || (b >= 0x61 && b <= 0x7a) || (b >= 0x30 && b <= 0x39) || b === 0x2b || b === 0x2f || b === 0x3d;
}

/** Decodes canonical padded base64, or returns undefined when `text` is not base64. */
export function decodeBase64(text: string): Buffer | undefined {
  if (!BASE64.test(text)) return undefined;
  return Buffer.from(text, 'base64');
}
