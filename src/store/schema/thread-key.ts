/**
 * The stored thread key of a body (JMAP threadId, RFC 8621 section 3): the first id of the
 * conversation it belongs to (References' first entry, else In-Reply-To, else its own Message-ID),
 * hashed to a short id-safe string. Messages without any id are threads of their own. Lives with
 * the schema because migration 0008 backfills it; core/mail/threads.ts is what callers use.
 */
import { createHash } from 'node:crypto';

export interface ThreadIds {
  messageId: string | null;
  inReplyTo: string | null;
  references?: string[];
}

export function threadKey(ids: ThreadIds, blobHash: string): string {
  const root = ids.references?.[0] ?? ids.inReplyTo ?? ids.messageId;
  if (!root) return `T${blobHash.slice(0, 20)}`;
  return `T${createHash('sha256').update(root.toLowerCase()).digest('hex').slice(0, 20)}`;
}

export function threadKeyOfJson(indexJson: string, blobHash = ''): string {
  try {
    return threadKey(JSON.parse(indexJson) as ThreadIds, blobHash);
  } catch {
    return `T${blobHash.slice(0, 20)}`;
  }
}
