/**
 * Blob store: content-addressed (SHA-256 hex) message bodies and uploads. Bytes are written once,
 * streamed in and out; which blobs are still in use is counted in the data store's `blobs` table
 * (refcount), and `sweep` removes what nothing references any more.
 */
import type { Readable } from 'node:stream';

export interface PutResult {
  hash: string;
  size: number;
}

export interface BlobStore {
  /**
   * Streams `source` into the store. Resolves once the bytes are durable (fsynced / committed),
   * with their SHA-256 and length. `observer`, when given, sees every chunk as it passes (used to
   * index MIME structure in the same pass without a second read).
   */
  put(source: Readable, observer?: (chunk: Buffer) => void): Promise<PutResult>;
  /** A stream of the bytes [start, end) (whole blob by default). Errors with code ENOENT if absent. */
  get(hash: string, range?: { start: number; end?: number }): Readable;
  has(hash: string): Promise<boolean>;
  /**
   * Removes a blob's bytes, unless it was written again within the store's grace period (then a
   * delivery is about to reference it and the call does nothing). Only the sweeper calls this.
   */
  delete(hash: string): Promise<boolean>;
  /**
   * Lists stored blobs written before `olderThan` (ms since epoch), for garbage collection of bytes
   * that were written but whose transaction never committed.
   */
  listOlderThan(olderThan: number): AsyncIterable<string>;
}

export const SHA256_HEX = /^[0-9a-f]{64}$/;
