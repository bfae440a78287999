/**
 * Binary data (RFC 8620 section 6): upload to /jmap/upload/{accountId}, download from
 * /jmap/download/{accountId}/{blobId}/{name}?type=. A blob is downloadable by an account that
 * uploaded it or that holds a message with it (the whole message, or one part decoded).
 */
import type { Readable } from 'node:stream';
import type { FastifyReply } from 'fastify';
import type { Account } from '../../core/accounts/account-service.js';
import { partBytes, partByPath } from '../../core/mail/parts.js';
import { CallContext, type JmapDeps } from './context.js';
import { loadEmails } from './email/load.js';
import { parseBlobId } from './email/ids.js';

/** The bytes of a blob id as seen from a JMAP account, or null when it is not visible there. */
export async function openBlob(deps: JmapDeps, viewer: Account, accountId: string, blobId: string): Promise<{ stream: Readable | Buffer; size: number } | null> {
  const id = parseBlobId(blobId);
  if (!id) return null;
  const ctx = new CallContext(viewer, deps, '');
  const acct = await ctx.account(accountId).catch(() => null);
  if (!acct) return null;
  const uploaded = acct.owner.own ? deps.services.uploads.get(viewer.id, id.hash) : undefined;
  if (uploaded && id.path === null) return { stream: deps.services.uploads.open(id.hash), size: uploaded.size };
  const src = (await loadEmails(ctx, acct.set, [id.hash])).get(id.hash);
  if (!src) return null;
  if (id.path === null) return { stream: deps.services.messages.body(id.hash), size: src.rows[0]!.size };
  const part = partByPath(src.index, id.path);
  if (!part || part.children) return null;
  const bytes = await partBytes(deps.services.messages, id.hash, part);
  return { stream: bytes, size: bytes.length };
}

/** RFC 8620 section 6.2: the type and file name the client asked for, safely quoted. */
export function sendBlob(reply: FastifyReply, blob: { stream: Readable | Buffer; size: number }, name: string, type: string | undefined): FastifyReply {
  const safeType = type && /^[\w.+-]+\/[\w.+-]+(;.*)?$/.test(type) ? type : 'application/octet-stream';
  reply.header('content-type', safeType);
  reply.header('content-length', String(blob.size));
  reply.header('content-disposition', `attachment; filename*=UTF-8''${encodeURIComponent(name)}`);
  reply.header('cache-control', 'private, immutable, max-age=31536000');
  reply.header('x-content-type-options', 'nosniff');
  return reply.send(blob.stream);
}
