/**
 * Holds one incoming message between DATA and delivery: the first bytes in memory, the rest in a
 * temporary file, so a large message never sits whole in memory. It can be read several times
 * (authentication checks, local delivery, the outbound queue). Nothing here is durable: the
 * message becomes durable in the store before the 250 reply.
 */
import { randomUUID } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { mkdir, open, rm, type FileHandle } from 'node:fs/promises';
import path from 'node:path';
import { Readable } from 'node:stream';

export class Spool {
  private readonly memory: Buffer[] = [];
  private memoryBytes = 0;
  private file: FileHandle | null = null;
  private filePath: string | null = null;
  size = 0;

  constructor(
    private readonly dir: string,
    private readonly memoryLimit: number,
  ) {}

  async write(chunk: Buffer): Promise<void> {
    this.size += chunk.length;
    if (!this.file && this.memoryBytes < this.memoryLimit) {
      this.memory.push(chunk);
      this.memoryBytes += chunk.length;
      return;
    }
    if (!this.file) {
      await mkdir(this.dir, { recursive: true });
      this.filePath = path.join(this.dir, `${randomUUID()}.eml`);
      this.file = await open(this.filePath, 'w', 0o600);
    }
    await this.file.write(chunk);
  }

  /** Closes the file for writing. */
  async end(): Promise<void> {
    await this.file?.close();
    this.file = null;
  }

  /** A fresh stream of the whole message, with `prefix` (extra header lines) in front. */
  reader(prefix?: Buffer): Readable {
    const memory = this.memory;
    const filePath = this.filePath;
    async function* gen(): AsyncGenerator<Buffer> {
      if (prefix?.length) yield prefix;
      for (const c of memory) yield c;
      if (filePath) yield* createReadStream(filePath) as AsyncIterable<Buffer>;
    }
    return Readable.from(gen(), { objectMode: false });
  }

  /** The first bytes (at most `max`) in memory, enough to read the header block. */
  head(max: number): Buffer {
    return Buffer.concat(this.memory).subarray(0, max);
  }

  async dispose(): Promise<void> {
    await this.file?.close().catch(() => undefined);
    this.file = null;
    if (this.filePath) await rm(this.filePath, { force: true });
    this.memory.length = 0;
  }
}
