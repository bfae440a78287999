/**
 * The disk's own pace, measured in the same run as a benchmark: how many 4 KiB write+fdatasync
 * pairs it completes per second. `append` grows the file each time, as a write-ahead log (SQLite's
 * WAL, a mail queue file) does, which also costs a journal commit of the size change; `overwrite`
 * rewrites blocks in place (the cheapest case a disk can offer).
 */
import { closeSync, fdatasyncSync, openSync, rmSync, writeSync } from 'node:fs';
import path from 'node:path';

export function fsyncRate(dir: string, seconds = 1, mode: 'append' | 'overwrite' = 'append'): number {
  const file = path.join(dir, 'fsync-probe');
  const fd = openSync(file, 'w');
  const buf = Buffer.alloc(4096, 7);
  let n = 0;
  const end = Date.now() + seconds * 1000;
  while (Date.now() < end) {
    writeSync(fd, buf, 0, buf.length, mode === 'append' ? n * 4096 : (n % 256) * 4096);
    fdatasyncSync(fd);
    n++;
  }
  closeSync(fd);
  rmSync(file);
  return n / seconds;
}

/** The middle value (the mean of the two middle ones for an even count). */
export function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}
