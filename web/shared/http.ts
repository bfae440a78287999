/**
 * JSON over HTTP to this origin's REST API (/api/v1), shared by webmail and the admin portal.
 * The session lives in an HttpOnly cookie; a change echoes the session's CSRF token in
 * `x-csrf-token`. Errors carry the API's own `message`, written to be shown to people as it is.
 */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

export type Method = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

/** One request; `csrf` is sent on anything but GET. Throws ApiError with the server's words. */
export async function requestJson<T>(method: Method, path: string, body: unknown, csrf: string | null): Promise<T> {
  const headers: Record<string, string> = { accept: 'application/json' };
  if (body !== undefined) headers['content-type'] = 'application/json';
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
    const message = typeof data.message === 'string' ? data.message : typeof data.detail === 'string' ? data.detail : `The server answered with status ${res.status}.`;
    throw new ApiError(res.status, typeof data.error === 'string' ? data.error : typeof data.type === 'string' ? data.type : `http_${res.status}`, message);
  }
  return data as T;
}

/** Sentence case for the API's messages ("no account has ..." -> "No account has ..."). */
export function plainWords(err: unknown): string {
  const msg = err instanceof Error ? err.message : String(err);
  return msg ? msg.charAt(0).toUpperCase() + msg.slice(1) : 'Something went wrong.';
}
