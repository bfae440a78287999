/**
 * The one JMAP client of webmail (RFC 8620): fetches the Session, sends method calls in batches,
 * uploads and downloads blobs, and listens to the push event source. Authentication is the web
 * session's HttpOnly cookie; every POST echoes the session's CSRF token (x-csrf-token).
 */
import { CAP_CORE, CAP_MAIL, CAP_SUBMISSION, CAP_VACATION, type Session, type StateChange } from './types';

/** RFC 8620 section 3.2: [name, arguments, method call id]. */
export type Invocation = [string, Record<string, unknown>, string];

/** A method-level error (RFC 8620 section 3.6.2), or a request-level problem (section 3.6.1). */
export class JmapError extends Error {
  constructor(
    readonly type: string,
    message: string,
    readonly status = 200,
  ) {
    super(message);
  }
}

/** Back-reference to a previous call's result (RFC 8620 section 3.7). */
export const ref = (resultOf: string, name: string, path: string) => ({ resultOf, name, path });

const USING = [CAP_CORE, CAP_MAIL, CAP_SUBMISSION, CAP_VACATION, 'urn:ietf:params:jmap:sieve'];

/** RFC 6570 level-1 expansion of the Session's URL templates (section 2). */
function expand(template: string, vars: Record<string, string>): string {
  return template.replace(/\{(\w+)\}/g, (_m, k: string) => encodeURIComponent(vars[k] ?? ''));
}

export interface UploadResult {
  accountId: string;
  blobId: string;
  type: string;
  size: number;
}

export class JmapClient {
  constructor(
    readonly session: Session,
    readonly csrf: string,
  ) {}

  /** Fetches the Session resource at /.well-known/jmap (RFC 8620 section 2.2). */
  static async fetchSession(): Promise<Session> {
    const res = await fetch('/.well-known/jmap', { credentials: 'same-origin', headers: { accept: 'application/json' } });
    if (!res.ok) throw await problem(res);
    return (await res.json()) as Session;
  }

  /** The account whose mail this user owns (primaryAccounts, RFC 8620 section 2). */
  get mailAccountId(): string {
    const id = this.session.primaryAccounts[CAP_MAIL];
    if (!id) throw new JmapError('accountNotSupportedByMethod', 'This account has no mail.');
    return id;
  }

  /** Accounts with mail besides the user's own: mailboxes shared by others (RFC 8620 section 1.6.2). */
  get otherMailAccounts(): { id: string; name: string; isReadOnly: boolean }[] {
    return Object.entries(this.session.accounts)
      .filter(([id, a]) => id !== this.mailAccountId && CAP_MAIL in a.accountCapabilities)
      .map(([id, a]) => ({ id, name: a.name, isReadOnly: a.isReadOnly }));
  }

  /**
   * Sends the calls in one request (RFC 8620 section 3.3) and returns the responses by call id.
   * A method-level error becomes a JmapError thrown when that response is asked for.
   */
  async request(calls: Invocation[]): Promise<Responses> {
    const res = await fetch(this.session.apiUrl, {
      method: 'POST',
      credentials: 'same-origin',
      headers: { 'content-type': 'application/json', accept: 'application/json', 'x-csrf-token': this.csrf },
      body: JSON.stringify({ using: USING, methodCalls: calls }),
    });
    if (!res.ok) throw await problem(res);
    const body = (await res.json()) as { methodResponses: Invocation[]; sessionState: string };
    return new Responses(body.methodResponses);
  }

  /** One method call; its arguments or a JmapError. */
  async call<T>(name: string, args: Record<string, unknown>): Promise<T> {
    return (await this.request([[name, args, 'c0']])).get<T>('c0');
  }

  /** Uploads a file (RFC 8620 section 6.1), reporting progress as a fraction from 0 to 1. */
  upload(accountId: string, file: Blob, onProgress?: (fraction: number) => void, signal?: AbortSignal): Promise<UploadResult> {
    return new Promise((resolve, reject) => {
      const xhr = new XMLHttpRequest();
      xhr.open('POST', expand(this.session.uploadUrl, { accountId }));
      xhr.withCredentials = true;
      xhr.setRequestHeader('content-type', file.type || 'application/octet-stream');
      xhr.setRequestHeader('x-csrf-token', this.csrf);
      xhr.upload.onprogress = (e) => {
        if (e.lengthComputable) onProgress?.(e.loaded / e.total);
      };
      xhr.onload = () => {
        let data: Record<string, unknown> = {};
        try {
          data = JSON.parse(xhr.responseText) as Record<string, unknown>;
        } catch {
          // not JSON: reported by status below
        }
        if (xhr.status >= 200 && xhr.status < 300 && typeof data.blobId === 'string') {
          onProgress?.(1);
          resolve(data as unknown as UploadResult);
        } else reject(new JmapError(String(data.type ?? `http_${xhr.status}`), String(data.detail ?? `The upload failed (status ${xhr.status}).`), xhr.status));
      };
      xhr.onerror = () => reject(new JmapError('network', 'The upload failed: the server could not be reached.', 0));
      xhr.onabort = () => reject(new JmapError('aborted', 'The upload was cancelled.', 0));
      signal?.addEventListener('abort', () => xhr.abort());
      xhr.send(file);
    });
  }

  /** The download URL of a blob (RFC 8620 section 6.2). */
  downloadUrl(accountId: string, blobId: string, name: string, type: string): string {
    return expand(this.session.downloadUrl, { accountId, blobId, name, type });
  }

  /**
   * Listens for StateChange events on the event source (RFC 8620 section 7.3); the browser
   * reconnects by itself after a drop. Returns a function that stops listening.
   */
  listen(onChange: (change: StateChange) => void, onOpen?: () => void): () => void {
    const url = expand(this.session.eventSourceUrl, { types: '*', closeafter: 'no', ping: '60' });
    const es = new EventSource(url, { withCredentials: true });
    es.addEventListener('state', (e) => {
      try {
        const data = JSON.parse((e as MessageEvent<string>).data) as StateChange;
        if (data['@type'] === 'StateChange') onChange(data);
      } catch {
        // a malformed event is ignored; the next one carries the full state again
      }
    });
    if (onOpen) es.addEventListener('open', onOpen);
    return () => es.close();
  }
}

/** The method responses of one request, by call id. */
export class Responses {
  constructor(readonly list: Invocation[]) {}

  get<T>(callId: string): T {
    const r = this.list.find((x) => x[2] === callId && x[0] !== 'error') ?? this.list.find((x) => x[2] === callId);
    if (!r) throw new JmapError('serverFail', `No response to call ${callId}.`);
    if (r[0] === 'error') throw new JmapError(String(r[1].type), String(r[1].description ?? `The server refused the request (${String(r[1].type)}).`));
    return r[1] as T;
  }
}

/** RFC 8620 section 3.6.1: request-level errors are RFC 7807 problem details. */
async function problem(res: Response): Promise<JmapError> {
  let body: Record<string, unknown> = {};
  try {
    body = (await res.json()) as Record<string, unknown>;
  } catch {
    // not JSON
  }
  const type = typeof body.type === 'string' ? body.type : typeof body.error === 'string' ? body.error : `http_${res.status}`;
  const detail = typeof body.detail === 'string' ? body.detail : typeof body.message === 'string' ? body.message : `The mail server answered with status ${res.status}.`;
  return new JmapError(type, detail, res.status);
}
