/**
 * The portal talks only to the REST API (/api/v1). The session lives in an HttpOnly cookie; the
 * CSRF token from sign-in is kept for this tab and echoed in `x-csrf-token` on every change.
 * Errors carry the API's own `message`, which is written to be shown to people as it is.
 */
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

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

const CSRF_KEY = 'wardpost.admin.csrf';

export function csrfToken(): string | null {
  return sessionStorage.getItem(CSRF_KEY);
}

export function setCsrfToken(value: string | null): void {
  if (value) sessionStorage.setItem(CSRF_KEY, value);
  else sessionStorage.removeItem(CSRF_KEY);
}

export async function api<T>(method: 'GET' | 'POST' | 'PUT' | 'DELETE', path: string, body?: unknown): Promise<T> {
  const headers: Record<string, string> = { accept: 'application/json' };
  if (body !== undefined) headers['content-type'] = 'application/json';
  const csrf = csrfToken();
  if (method !== 'GET' && csrf) headers['x-csrf-token'] = csrf;
  let res: Response;
  try {
    res = await fetch(path, { method, headers, credentials: 'same-origin', ...(body !== undefined ? { body: JSON.stringify(body) } : {}) });
  } catch {
    throw new ApiError(0, 'network', 'The server could not be reached. Check your connection and try again.');
  }
  const text = await res.text();
  let data: Record<string, unknown> = {};
  try {
    data = text ? (JSON.parse(text) as Record<string, unknown>) : {};
  } catch {
    data = {};
  }
  if (!res.ok) {
    const message = typeof data.message === 'string' ? data.message : `The server answered with status ${res.status}.`;
    throw new ApiError(res.status, typeof data.error === 'string' ? data.error : `http_${res.status}`, message);
  }
  return data as T;
}

/** Sentence case for the API's messages ("no account has ..." -> "No account has ..."). */
export function plainWords(err: unknown): string {
  const msg = err instanceof Error ? err.message : String(err);
  return msg ? msg.charAt(0).toUpperCase() + msg.slice(1) : 'Something went wrong.';
}

export const enc = encodeURIComponent;

export function formatBytes(n: number): string {
  if (!Number.isFinite(n) || n <= 0) return '0 B';
  const units = ['B', 'KB', 'MB', 'GB', 'TB'];
  let i = 0;
  let v = n;
  while (v >= 1024 && i < units.length - 1) {
    v /= 1024;
    i++;
  }
  return `${v >= 10 || i === 0 ? Math.round(v) : v.toFixed(1).replace(/\.0$/, '')} ${units[i]}`;
}

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
