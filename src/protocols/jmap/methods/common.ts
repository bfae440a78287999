/** Shared argument handling of the standard methods (RFC 8620 section 5): parsing, /get id lists, /changes states. */
import { z } from 'zod';
import { decodeState, type MailState } from '../../../core/mail/changes.js';
import { MethodError } from '../proto/errors.js';
import { CORE_LIMITS } from '../proto/request.js';

/** Parses method arguments; a mismatch is an invalidArguments error naming the field. */
export function parseArgs<T extends z.ZodType>(schema: T, args: Record<string, unknown>): z.infer<T> {
  const r = schema.safeParse(args);
  if (!r.success) {
    const issue = r.error.issues[0]!;
    throw new MethodError('invalidArguments', `${issue.path.join('.') || 'arguments'}: ${issue.message}`);
  }
  return r.data;
}

export const Id = z.string().min(1).max(255);
export const GetArgs = z.object({ accountId: z.string(), ids: z.array(Id).nullable().optional(), properties: z.array(z.string()).nullable().optional() });
export const ChangesArgs = z.object({ accountId: z.string(), sinceState: z.string(), maxChanges: z.number().int().positive().nullable().optional() });
export const SetArgs = z.object({
  accountId: z.string(),
  ifInState: z.string().nullable().optional(),
  create: z.record(z.string(), z.record(z.string(), z.unknown())).nullable().optional(),
  update: z.record(z.string(), z.record(z.string(), z.unknown())).nullable().optional(),
  destroy: z.array(Id).nullable().optional(),
});
export type SetArgs = z.infer<typeof SetArgs>;

/** The ids asked for by a /get (null: all), refusing more than maxObjectsInGet. */
export function idsToGet(ids: readonly string[] | null | undefined): readonly string[] | null {
  if (ids && ids.length > CORE_LIMITS.maxObjectsInGet) throw new MethodError('requestTooLarge', `at most ${CORE_LIMITS.maxObjectsInGet} ids per /get`);
  return ids ?? null;
}

export function checkSetSize(args: SetArgs): void {
  const n = Object.keys(args.create ?? {}).length + Object.keys(args.update ?? {}).length + (args.destroy?.length ?? 0);
  if (n > CORE_LIMITS.maxObjectsInSet) throw new MethodError('requestTooLarge', `at most ${CORE_LIMITS.maxObjectsInSet} objects per /set`);
}

/** A state string from a client; cannotCalculateChanges when it is not one of ours. */
export function oldState(text: string): MailState {
  const s = decodeState(text);
  if (!s) throw new MethodError('cannotCalculateChanges', `"${text}" is not a state this server issued`);
  return s;
}

/** Picks the requested properties of an object (id always included, RFC 8620 section 5.1). */
export function pick(obj: Record<string, unknown>, properties: readonly string[] | null | undefined): Record<string, unknown> {
  if (!properties) return obj;
  const out: Record<string, unknown> = { id: obj.id };
  for (const p of properties) if (p in obj) out[p] = obj[p];
  return out;
}

/** Checks every requested property is known (invalidArguments otherwise). */
export function checkProperties(properties: readonly string[] | null | undefined, known: readonly string[]): void {
  for (const p of properties ?? []) if (!known.includes(p)) throw new MethodError('invalidArguments', `unknown property "${p}"`);
}
