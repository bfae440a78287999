/**
 * CSV records from a stream (RFC 4180 with a header row), one at a time: header names trimmed,
 * lower-cased, spaces and hyphens as underscores; a byte-order mark and blank lines ignored. A
 * malformed record is reported to `onSkip` and reading goes on, so one bad line never ends a
 * bulk load.
 */
import type { Readable } from 'node:stream';
import { parse } from 'csv-parse';

export type CsvRow = Record<string, string>;

/** Header cell to column key: "Job Title" and "job-title" both become job_title. */
export const csvKey = (h: string) => h.trim().toLowerCase().replace(/[\s-]+/g, '_');

export function csvRecords(source: Readable, onSkip: (line: number, reason: string) => void, onHeader?: (columns: string[]) => void): AsyncIterable<{ record: CsvRow; info: { lines: number } }> {
  const parser = source.pipe(
    parse({
      columns: (h: string[]) => {
        const cols = h.map(csvKey);
        onHeader?.(cols);
        return cols;
      },
      bom: true,
      trim: true,
      skip_empty_lines: true,
      info: true,
      relax_column_count: true,
      skip_records_with_error: true,
    }),
  );
  parser.on('skip', (err: { lines?: number; message: string }) => onSkip(err.lines ?? 0, `unreadable CSV: ${err.message}`));
  // A stream error (the client went away) must end the iteration, not hang it.
  source.on('error', (err) => parser.destroy(err));
  return parser as AsyncIterable<{ record: CsvRow; info: { lines: number } }>;
}
