/**
 * Bulk load of the directory from CSV (`wardpost directory import FILE.csv`). Streams the file,
 * validates each row on its own, writes valid rows in batches (one transaction each) and reports
 * bad rows with their line numbers: a bad row never stops the import nor half-writes an entry.
 * Rows are keyed (`key` column), so re-running the same file changes nothing.
 *
 * Columns (header row, any order, case-insensitive): key, kind, given_name, family_name,
 * display_name, job_title, role, specialty, department, organisation, site, address, phone_desk,
 * phone_mobile, phone_pager, email, registration, national_code, visibility, and for organisation
 * rows parent and org_kind. `organisation` and `parent` accept a slug or a national code.
 * Rows of kind organisation / site / department add that organisation to the tree (key = slug)
 * when it is not there yet, so a national organisation list can be loaded the same way.
 */
import type { Readable } from 'node:stream';
import { csvRecords } from '../util/csv-rows.js';
import type { Actor } from '../actor.js';
import { parseAddress } from '../addresses.js';
import { isWardpostError } from '../errors.js';
import type { OrgService } from '../orgs/org-service.js';
import type { DirectoryRecord, OrgRow, Store } from '../../store/types.js';
import type { DirectoryService } from './directory-service.js';
import { orgSourceKey, withHash } from './records.js';
import { ENTRY_KINDS, VISIBILITIES, type EntryKind } from './types.js';

export interface ImportProgress {
  rows: number;
  added: number;
  updated: number;
  unchanged: number;
  rejected: number;
  elapsedMs: number;
}

export interface ImportSummary extends ImportProgress {
  /** The first rejected rows (line number in the file, key, reason); `rejected` counts them all. */
  rejections: { line: number; key: string | null; reason: string }[];
}

export const IMPORT_BATCH = 2000;
const MAX_LISTED_REJECTIONS = 1000;
const KEY = /^[A-Za-z0-9._:@-]{1,128}$/;
const PHONE = /^[+0-9 ()\-.x]{3,32}$/;
const ORG_ROW_KINDS = new Set<EntryKind>(['organisation', 'site', 'department']);

type Row = Record<string, string>;

class RowError extends Error {}

export class DirectoryImporter {
  private orgBySlug = new Map<string, OrgRow>();
  private orgByCode = new Map<string, OrgRow>();

  constructor(
    private readonly store: Store,
    private readonly orgs: OrgService,
    private readonly directory: DirectoryService,
  ) {}

  async import(source: Readable, opts: { actor: Actor; onProgress?: (p: ImportProgress) => void; progressEvery?: number }): Promise<ImportSummary> {
    const started = Date.now();
    const s: ImportSummary = { rows: 0, added: 0, updated: 0, unchanged: 0, rejected: 0, elapsedMs: 0, rejections: [] };
    const reject = (line: number, key: string | null, reason: string) => {
      s.rejected++;
      if (s.rejections.length < MAX_LISTED_REJECTIONS) s.rejections.push({ line, key, reason });
    };
    await this.loadOrgs();
    const seen = new Map<string, number>();
    let batch: { line: number; rec: DirectoryRecord }[] = [];
    const flush = async () => {
      if (!batch.length) return;
      const b = batch;
      batch = [];
      await this.writeBatch(b, s, reject);
    };
    const every = opts.progressEvery ?? 10_000;

    const records = csvRecords(source, (line, reason) => {
      s.rows++;
      reject(line, null, reason);
    });
    for await (const item of records) {
      const { record, info } = item;
      const line = info.lines;
      s.rows++;
      const key = record.key?.trim() || null;
      try {
        if (!key || !KEY.test(key)) throw new RowError('key is missing or has characters other than letters, digits and . _ : @ -');
        const first = seen.get(key);
        if (first !== undefined) throw new RowError(`duplicate key (first on line ${first})`);
        seen.set(key, line);
        const kind = (record.kind?.trim().toLowerCase() || 'person') as EntryKind;
        if (!ENTRY_KINDS.includes(kind)) throw new RowError(`unknown kind "${record.kind}" (one of ${ENTRY_KINDS.join(', ')})`);
        if (ORG_ROW_KINDS.has(kind)) {
          await flush(); // organisations must exist before the rows after them refer to them
          batch.push({ line, rec: await this.orgRow(key, kind, record, opts.actor) });
          await flush();
        } else {
          batch.push({ line, rec: this.entryRow(key, kind, record) });
          if (batch.length >= IMPORT_BATCH) await flush();
        }
      } catch (err) {
        if (err instanceof RowError || isWardpostError(err)) reject(line, key, err.message);
        else throw err;
      }
      if (opts.onProgress && s.rows % every === 0) opts.onProgress({ ...s, elapsedMs: Date.now() - started });
    }
    await flush();
    s.elapsedMs = Date.now() - started;
    opts.onProgress?.({ ...s });
    return s;
  }

  /** One transaction per batch; if it fails, rows are retried one by one so one bad row cannot sink the rest. */
  private async writeBatch(batch: { line: number; rec: DirectoryRecord }[], s: ImportSummary, reject: (line: number, key: string | null, reason: string) => void): Promise<void> {
    const count = (changes: { change: string }[]) => {
      for (const c of changes) s[c.change as 'added' | 'updated' | 'unchanged']++;
    };
    try {
      count(await this.directory.upsert(batch.map((b) => b.rec)));
    } catch {
      for (const b of batch) {
        try {
          count(await this.directory.upsert([b.rec]));
        } catch (err) {
          reject(b.line, b.rec.sourceKey, `could not be stored: ${err instanceof Error ? err.message : String(err)}`);
        }
      }
    }
  }

  private entryRow(key: string, kind: EntryKind, r: Row): DirectoryRecord {
    const given = r.given_name ?? '';
    const family = r.family_name ?? '';
    const display = r.display_name || `${given} ${family}`.trim();
    if (!display) throw new RowError('needs display_name, or given_name and family_name');
    let orgId: number | null = null;
    if (r.organisation) {
      const org = this.org(r.organisation);
      if (!org) throw new RowError(`organisation "${r.organisation}" is not known (slug or national code; load organisation rows first)`);
      orgId = org.id;
    } else if (kind !== 'external') {
      throw new RowError('organisation is required (only kind external may have none)');
    }
    return withHash({
      sourceKey: `csv:${key}`,
      kind,
      accountId: null,
      orgId,
      displayName: display,
      givenName: given,
      familyName: family,
      ...this.common(r),
    });
  }

  private async orgRow(key: string, kind: EntryKind, r: Row, actor: Actor): Promise<DirectoryRecord> {
    let org = this.orgBySlug.get(key.toLowerCase());
    if (!org) {
      const parent = r.parent ? this.org(r.parent) : undefined;
      if (r.parent && !parent) throw new RowError(`parent organisation "${r.parent}" is not known (put parents before children)`);
      const orgKind = r.org_kind?.toLowerCase() || (kind === 'organisation' ? 'organisation' : kind);
      await this.orgs.create({ slug: key, name: r.display_name || key, parent: parent?.slug ?? null, kind: orgKind, nationalCode: r.national_code || null }, actor);
      await this.loadOrgs();
      org = this.orgBySlug.get(key.toLowerCase())!;
    }
    return withHash({
      sourceKey: orgSourceKey(org.id),
      kind: org.kind === 'site' ? 'site' : org.kind === 'department' ? 'department' : 'organisation',
      accountId: null,
      orgId: org.id,
      displayName: org.name,
      givenName: '',
      familyName: '',
      ...this.common(r),
      nationalCode: org.national_code,
    });
  }

  private common(r: Row) {
    const opt = (v: string | undefined) => (v ? v : null);
    for (const col of ['phone_desk', 'phone_mobile', 'phone_pager'] as const) {
      if (r[col] && !PHONE.test(r[col]!)) throw new RowError(`${col} "${r[col]}" is not a phone number`);
    }
    let email: string | null = null;
    if (r.email) {
      try {
        email = parseAddress(r.email).address;
      } catch {
        throw new RowError(`email "${r.email}" is not a mail address`);
      }
    }
    const visibility = r.visibility?.toLowerCase() || 'national';
    if (!(VISIBILITIES as readonly string[]).includes(visibility)) throw new RowError(`visibility "${r.visibility}" must be one of ${VISIBILITIES.join(', ')}`);
    return {
      jobTitle: opt(r.job_title),
      role: opt(r.role),
      specialty: opt(r.specialty),
      department: opt(r.department),
      site: opt(r.site),
      address: opt(r.address),
      phoneDesk: opt(r.phone_desk),
      phoneMobile: opt(r.phone_mobile),
      phonePager: opt(r.phone_pager),
      email,
      registration: opt(r.registration),
      nationalCode: opt(r.national_code),
      visibility,
    };
  }

  private org(ref: string): OrgRow | undefined {
    return this.orgBySlug.get(ref.toLowerCase()) ?? this.orgByCode.get(ref.toUpperCase());
  }

  private async loadOrgs(): Promise<void> {
    const rows = await this.store.orgs.list();
    this.orgBySlug = new Map(rows.map((o) => [o.slug, o]));
    this.orgByCode = new Map(rows.filter((o) => o.national_code).map((o) => [o.national_code!.toUpperCase(), o]));
  }
}
