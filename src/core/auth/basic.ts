/**
 * HTTP Basic credentials (RFC 7617 section 2): the one parser every HTTP door (REST API, CardDAV,
 * CalDAV) uses, so they agree on what a malformed header is.
 */

export interface BasicCredentials {
  user: string;
  password: string;
}

/**
 * The user-id and password of an `Authorization: Basic ...` header (RFC 7617 section 2, UTF-8 per
 * section 2.1); null when the header is not Basic at all, 'malformed' when it is Basic but carries
 * no "user:password".
 */
export function parseBasicAuthorization(header: string | undefined): BasicCredentials | null | 'malformed' {
  const m = /^Basic\s+([A-Za-z0-9+/=]+)\s*$/i.exec(header ?? '');
  if (!m) return /^Basic(\s|$)/i.test(header ?? '') ? 'malformed' : null;
  const decoded = Buffer.from(m[1]!, 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  if (colon < 1) return 'malformed';
  return { user: decoded.slice(0, colon), password: decoded.slice(colon + 1) };
}
