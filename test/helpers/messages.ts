/** Small builders for test messages. */
import { Readable } from 'node:stream';

export function rfc822(opts: { from?: string; to?: string; subject?: string; body?: string; bytes?: number } = {}): Buffer {
  const head = [
    `From: ${opts.from ?? 'Alice Example <alice@example.org>'}`,
    `To: ${opts.to ?? 'bob@wardpost.test'}`,
    `Subject: ${opts.subject ?? 'Test message'}`,
    'Date: Sat, 21 Nov 2026 10:00:00 +0000',
    `Message-ID: <${Math.random().toString(36).slice(2)}@example.org>`,
    'MIME-Version: 1.0',
    'Content-Type: text/plain; charset=utf-8',
    '',
    '',
  ].join('\r\n');
  let body = opts.body ?? 'Hello,\r\nthis is a test.\r\n';
  if (opts.bytes && opts.bytes > head.length + body.length) {
    const line = 'The quick brown fox jumps over the lazy dog 0123456789 abcdefghij\r\n';
    body += line.repeat(Math.ceil((opts.bytes - head.length - body.length) / line.length));
  }
  return Buffer.from(head + body);
}

/** A stream of `buf` in chunks of `size` bytes, as a socket would deliver it. */
export function chunked(buf: Buffer, size = 16 * 1024): Readable {
  async function* gen() {
    for (let i = 0; i < buf.length; i += size) yield buf.subarray(i, i + size);
  }
  return Readable.from(gen());
}

export async function readAll(stream: Readable): Promise<Buffer> {
  const parts: Buffer[] = [];
  for await (const c of stream) parts.push(c as Buffer);
  return Buffer.concat(parts);
}
