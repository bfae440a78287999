/**
 * The portal talks only to the REST API (/api/v1). The session lives in an HttpOnly cookie; the
 * CSRF token from sign-in is kept for this tab and echoed in `x-csrf-token` on every change.
 * Errors carry the API's own `message`, which is written to be shown to people as it is.
 */
import { requestJson } from '../../shared/http';

export interface OrgRef {
  id: number;
  slug: string;
  name: string;
}

export interface AccountSummary {
  id: number;
  address: string;
  displayName: string;
  role: string;
  org: OrgRef;
  mustChangePassword: boolean;
}

export interface Me {
  account: AccountSummary;
  via: string;
  mfa: boolean;
}

export interface Account extends AccountSummary {
  kind: string;
  aliases: string[];
  givenName: string;
  familyName: string;
  jobTitle: string | null;
  mobile: string | null;
  quotaBytes: number;
  usedBytes: number;
  status: string;
  createdAt: string;
}

export interface Org {
  id: number;
  slug: string;
  name: string;
  kind: string;
  parentId: number | null;
  parentSlug: string | null;
  nationalCode: string | null;
  status: string;
  domains: string[];
  createdAt: string;
}

export interface AuditEntry {
  at: string;
  actor: string;
  orgId: number | null;
  action: string;
  target: string;
  ip: string | null;
  detail: Record<string, unknown>;
}

export { ApiError, plainWords } from '../../shared/http';
export { formatBytes } from '../../shared/format';

const CSRF_KEY = 'wardpost.admin.csrf';

export function csrfToken(): string | null {
  return sessionStorage.getItem(CSRF_KEY);
}

export function setCsrfToken(value: string | null): void {
  if (value) sessionStorage.setItem(CSRF_KEY, value);
  else sessionStorage.removeItem(CSRF_KEY);
}

/** A call to the REST API; changes carry this tab's CSRF token. */
export function api<T>(method: 'GET' | 'POST' | 'PUT' | 'DELETE', path: string, body?: unknown): Promise<T> {
  return requestJson<T>(method, path, body, method === 'GET' ? null : csrfToken());
}

export const enc = encodeURIComponent;

export function formatDate(iso: string): string {
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return iso;
  return d.toLocaleString('en-GB', { day: 'numeric', month: 'short', year: 'numeric', hour: '2-digit', minute: '2-digit' });
}

export const ROLE_LABEL: Record<string, string> = {
  'national-admin': 'National administrator',
  'org-admin': 'Organisation administrator',
  helpdesk: 'Helpdesk',
  user: 'Staff member',
};

export const isAdminRole = (role: string) => role === 'national-admin' || role === 'org-admin' || role === 'helpdesk';
