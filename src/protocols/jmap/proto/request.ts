/**
 * JMAP wire shapes (RFC 8620 section 3.3 Request, 3.4 Response) and the request-level errors of
 * section 3.6.1 as problem-details documents (RFC 7807). Parsing only: no I/O, no services.
 */
import { z } from 'zod';

export const CAPABILITIES = {
  core: 'urn:ietf:params:jmap:core',
  mail: 'urn:ietf:params:jmap:mail',
  submission: 'urn:ietf:params:jmap:submission',
  vacation: 'urn:ietf:params:jmap:vacationresponse',
  sieve: 'urn:ietf:params:jmap:sieve',
} as const;

export const KNOWN_CAPABILITIES: readonly string[] = Object.values(CAPABILITIES);

export const Invocation = z.tuple([z.string().min(1), z.record(z.string(), z.unknown()), z.string()]);
export type Invocation = z.infer<typeof Invocation>;

export const JmapRequest = z.object({
  using: z.array(z.string()),
  methodCalls: z.array(Invocation),
  createdIds: z.record(z.string(), z.string()).optional(),
});
export type JmapRequest = z.infer<typeof JmapRequest>;

/** The limits announced in the Session (RFC 8620 section 2, urn:ietf:params:jmap:core). */
export const CORE_LIMITS = {
  maxSizeUpload: 50_000_000,
  maxConcurrentUpload: 4,
  maxSizeRequest: 10_000_000,
  maxConcurrentRequests: 8,
  maxCallsInRequest: 64,
  maxObjectsInGet: 1000,
  maxObjectsInSet: 1000,
  collationAlgorithms: ['i;ascii-numeric', 'i;ascii-casemap', 'i;unicode-casemap'],
} as const;

export type RequestErrorType = 'unknownCapability' | 'notJSON' | 'notRequest' | 'limit';

/** A request-level error (RFC 8620 section 3.6.1): the whole request is refused with HTTP 400. */
export class RequestError extends Error {
  constructor(
    readonly type: RequestErrorType,
    readonly detail: string,
    readonly extra: Record<string, unknown> = {},
  ) {
    super(detail);
  }

  body(): Record<string, unknown> {
    return { type: `urn:ietf:params:jmap:error:${this.type}`, status: 400, detail: this.detail, ...this.extra };
  }
}

/** Parses a request body (already JSON-decoded) or throws the matching RequestError. */
export function parseRequest(body: unknown): JmapRequest {
  const r = JmapRequest.safeParse(body);
  if (!r.success) {
    const issue = r.error.issues[0]!;
    throw new RequestError('notRequest', `not a JMAP Request object: ${issue.path.join('.') || 'body'}: ${issue.message}`);
  }
  const unknown = r.data.using.filter((c) => !KNOWN_CAPABILITIES.includes(c));
  if (unknown.length) throw new RequestError('unknownCapability', `this server does not support ${unknown.join(', ')}`);
  if (r.data.methodCalls.length > CORE_LIMITS.maxCallsInRequest) {
    throw new RequestError('limit', `at most ${CORE_LIMITS.maxCallsInRequest} method calls per request`, { limit: 'maxCallsInRequest' });
  }
  return r.data;
}
