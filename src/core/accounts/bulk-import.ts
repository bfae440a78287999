/**
 * Bulk creation of accounts from CSV. The file is read as a stream; each row is checked and
 * created on its own (one transaction, as a single creation is), so a bad row is reported with
 * its line and reason and never leaves a half-made account, and good rows go in regardless.
 * Results come out one per row as they happen, so a caller can show progress.
 *
 * Columns (header row, any order, case-insensitive): address, name (or given_name and
 * family_name), org, and optionally role, quota, mobile, job_title. Rows without a password get a
 * one-time password that must be changed at first sign-in; it is in that row's result only.
 */
import type { Readable } from 'node:stream';
import type { Actor } from '../actor.js';
import { invalid, isWardpostError } from '../errors.js';
import { csvRecords } from '../util/csv-rows.js';
import type { AccountService } from './account-service.js';

export interface ImportRowResult {
  line: number;
  address: string | null;
  ok: boolean;
  /** Why the row was refused (ok false), and which column when it is one column's fault. */
  error?: string;
  field?: string;
  oneTimePassword?: string;
}

export interface ImportOptions {
  actor: Actor;
  /** Throws (forbidden) unless the caller may create an account of this role in this organisation. */
  authorise: (orgSlug: string, role: string) => Promise<void>;
  maxRows: number;
}

const REQUIRED = ['address', 'org'];

/** Yields one result per data row, in file order. Throws invalid_input before the first if the header is wrong. */
export async function* importAccounts(accounts: AccountService, source: Readable, opts: ImportOptions): AsyncGenerator<ImportRowResult> {
  const skipped: ImportRowResult[] = [];
  let headerError: string | null = null;
  const records = csvRecords(
    source,
    (line, reason) => skipped.push({ line, address: null, ok: false, error: reason }),
    (cols) => {
      const missing = REQUIRED.filter((c) => !cols.includes(c));
      if (!cols.includes('name') && !(cols.includes('given_name') && cols.includes('family_name'))) missing.push('name');
      if (missing.length) headerError = `the header row lacks ${missing.join(', ')} (columns: address, name, org, role, quota, mobile, job_title)`;
    },
  );
  let rows = 0;
  for await (const { record, info } of records) {
    if (headerError) throw invalid(headerError, { field: 'header' });
    yield* skipped.splice(0);
    if (++rows > opts.maxRows) {
      yield { line: info.lines, address: null, ok: false, error: `more than ${opts.maxRows} rows: split the file; rows from here on were not read` };
      source.destroy();
      return;
    }
    const address = record.address?.trim() || null;
    const name = record.name?.trim() || `${record.given_name ?? ''} ${record.family_name ?? ''}`.trim();
    const role = record.role?.trim() || 'user';
    try {
      if (!address) throw invalid('address is empty', { field: 'address' });
      if (!record.org?.trim()) throw invalid('org is empty', { field: 'org' });
      await opts.authorise(record.org.trim(), role);
      const oneTimePassword = accounts.oneTimePassword();
      await accounts.create(
        { address, orgSlug: record.org.trim(), name, role, ...(record.quota?.trim() ? { quota: record.quota.trim() } : {}), mobile: record.mobile?.trim() || null, jobTitle: record.job_title?.trim() || null, password: oneTimePassword, mustChangePassword: true },
        opts.actor,
      );
      yield { line: info.lines, address, ok: true, oneTimePassword };
    } catch (err) {
      if (!isWardpostError(err)) throw err;
      const field = typeof err.detail.field === 'string' ? err.detail.field : undefined;
      yield { line: info.lines, address, ok: false, error: err.message, ...(field ? { field } : {}) };
    }
  }
  if (headerError) throw invalid(headerError, { field: 'header' });
  yield* skipped.splice(0);
}
