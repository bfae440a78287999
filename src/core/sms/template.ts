/**
 * Mail-merge for bulk sends: `{{field}}` placeholders ({{name}}, {{date}}, {{clinic}} or any column
 * of the CSV) filled per recipient. A placeholder no recipient can fill is an error before anything
 * is sent, never a message with a hole in it.
 */
import { parse } from 'csv-parse/sync';
import { invalid } from '../errors.js';

const PLACEHOLDER = /\{\{\s*([A-Za-z][A-Za-z0-9_]*)\s*\}\}/g;

/** The field names a template uses, in order of first use. */
export function templateFields(template: string): string[] {
  return [...new Set([...template.matchAll(PLACEHOLDER)].map((m) => m[1]!))];
}

/** Fills `template` from `fields`; throws invalid_input naming the first field missing (`row` for the message). */
export function renderTemplate(template: string, fields: Record<string, string>, row?: number): string {
  return template.replace(PLACEHOLDER, (_m, name: string) => {
    const v = fields[name];
    if (v === undefined || v === '') {
      throw invalid(`the template uses {{${name}}} but ${row === undefined ? 'no value was given' : `recipient ${row} has no value`} for "${name}"`, { field: name });
    }
    return v;
  });
}

export interface BulkRecipient {
  to: string;
  fields: Record<string, string>;
}

/** Column names accepted for the number in a CSV (the first found is used). */
const NUMBER_COLUMNS = ['to', 'mobile', 'number', 'phone'];

/** Reads a CSV with a header row: a number column (to, mobile, number or phone) and merge fields. */
export function parseRecipientsCsv(csv: string): BulkRecipient[] {
  let rows: Record<string, string>[];
  try {
    rows = parse(csv, { columns: (h: string[]) => h.map((c) => c.trim().toLowerCase()), skip_empty_lines: true, trim: true, bom: true });
  } catch (err) {
    throw invalid(`the CSV could not be read: ${(err as Error).message}`, { field: 'csv' });
  }
  if (!rows.length) throw invalid('the CSV has no recipients (a header row and one row per recipient)', { field: 'csv' });
  const col = NUMBER_COLUMNS.find((c) => c in rows[0]!);
  if (!col) throw invalid(`the CSV needs a column named one of: ${NUMBER_COLUMNS.join(', ')}`, { field: 'csv' });
  return rows.map((r) => {
    const { [col]: to, ...fields } = r;
    return { to: to ?? '', fields };
  });
}
