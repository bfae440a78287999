// The entry points: a Writable that indexes whatever is piped into it, and helpers around it.
import { Writable, type Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { assemble } from './assemble.js';
import { resolveLimits, type MimeIndexOptions } from './limits.js';
import { StructureScanner } from './structure-scanner.js';
import { TextExtractor } from './text-extract.js';
import type { MessageIndex } from './types.js';

/**
 * A Writable that indexes the raw RFC 5322 message written to it, so that it can sit at the end of
 * `pipeline(source, teeToBlobStore, indexer)`. Memory stays bounded whatever the message size (see
 * `MIME_LIMITS`). `result` settles once the stream finishes: with the index, or with the stream's
 * error if it is destroyed first. Malformed input never makes it fail.
 */
export class MimeIndexer extends Writable {
  /** The index, once `end()` has been called and every chunk consumed. */
  readonly result: Promise<MessageIndex>;
  private scanner: StructureScanner | null;
  private readonly opts: MimeIndexOptions | undefined;
  private settle: { resolve: (v: MessageIndex) => void; reject: (e: Error) => void } | null = null;

  constructor(opts?: MimeIndexOptions) {
    super({ decodeStrings: true });
    const limits = resolveLimits(opts);
    this.opts = opts;
    this.scanner = new StructureScanner(limits, new TextExtractor(limits));
    this.result = new Promise<MessageIndex>((resolve, reject) => {
      this.settle = { resolve, reject };
    });
    // The caller may only await the pipeline; an unobserved rejection must not crash the process.
    this.result.catch(() => undefined);
  }

  override _write(chunk: Buffer, _encoding: BufferEncoding, callback: (error?: Error | null) => void): void {
    try {
      this.scanner?.write(chunk);
      callback();
    } catch (err) {
      callback(err instanceof Error ? err : new Error(String(err)));
    }
  }

  override _final(callback: (error?: Error | null) => void): void {
    try {
      if (!this.scanner) throw new Error('MimeIndexer already finished');
      const index = assemble(this.scanner.end(), resolveLimits(this.opts));
      this.scanner = null;
      this.settle?.resolve(index);
      this.settle = null;
      callback();
    } catch (err) {
      callback(err instanceof Error ? err : new Error(String(err)));
    }
  }

  override _destroy(error: Error | null, callback: (error?: Error | null) => void): void {
    this.scanner = null;
    this.settle?.reject(error ?? new Error('MimeIndexer was destroyed before the message ended'));
    this.settle = null;
    callback(error);
  }
}

/** Indexes a raw message read from `stream` (RFC 5322, RFC 2045-2049). Rejects only if the stream fails. */
export async function indexMessage(stream: Readable | AsyncIterable<Uint8Array>, opts?: MimeIndexOptions): Promise<MessageIndex> {
  const indexer = new MimeIndexer(opts);
  await pipeline(stream, indexer);
  return indexer.result;
}

/** Indexes a raw message already in memory (small messages, IMAP APPEND, tests). */
export function indexBuffer(raw: Uint8Array, opts?: MimeIndexOptions): MessageIndex {
  const limits = resolveLimits(opts);
  const scanner = new StructureScanner(limits, new TextExtractor(limits));
  scanner.write(raw);
  return assemble(scanner.end(), limits);
}
