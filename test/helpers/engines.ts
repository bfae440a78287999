/**
 * Runs one test suite against every store engine: SQLite in a fresh temporary folder, and
 * PostgreSQL (WARDPOST_TEST_DATABASE_URL, default the machine's 127.0.0.1:5432/test) in a fresh
 * schema that is dropped afterwards. With WARDPOST_REQUIRE_PEERS=1 an unreachable PostgreSQL is a
 * failure; otherwise its suite is skipped with the reason printed.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe } from 'node:test';
import pg from 'pg';
import { openStore, type DatabaseSetting, type StoreOptions } from '../../src/store/open.js';
import type { Store } from '../../src/store/types.js';

export const PG_URL = process.env.WARDPOST_TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
export const REQUIRE_PEERS = process.env.WARDPOST_REQUIRE_PEERS === '1';

export interface EngineFixture {
  name: 'sqlite' | 'postgres';
  /** A new, empty store (each call: new folder or schema). */
  open(opts?: StoreOptions): Promise<Store>;
  /** Re-opens the last store's data, as a restarted process would. */
  reopen(): Promise<Store>;
  /** The setting the last store was opened with (for child processes). */
  setting(): { database: DatabaseSetting; dataDir: string };
  cleanup(): Promise<void>;
}

let pgReachable: Promise<string | null> | null = null;
export function postgresProblem(): Promise<string | null> {
  pgReachable ??= (async () => {
    const c = new pg.Client({ connectionString: PG_URL, connectionTimeoutMillis: 3000 });
    try {
      await c.connect();
      await c.query('select 1');
      return null;
    } catch (e) {
      return `PostgreSQL at ${PG_URL} is not reachable (${(e as Error).message}); start it (pg_ctlcluster 15 main start) or set WARDPOST_TEST_DATABASE_URL`;
    } finally {
      await c.end().catch(() => undefined);
    }
  })();
  return pgReachable;
}

/** The bookkeeping both engines share: remember the last setting, re-open it, hand it out. */
function fixture(
  name: EngineFixture['name'],
  fresh: () => Promise<{ database: DatabaseSetting; dataDir: string }>,
  cleanup: () => Promise<void>,
): EngineFixture {
  let current: { database: DatabaseSetting; dataDir: string } | null = null;
  const last = () => {
    if (!current) throw new Error('nothing opened yet');
    return current;
  };
  return {
    name,
    async open(opts: StoreOptions = {}) {
      current = await fresh();
      return openStore(current.database, current.dataDir, opts);
    },
    reopen: () => openStore(last().database, last().dataDir),
    setting: last,
    cleanup,
  };
}

function sqliteFixture(): EngineFixture {
  const dirs: string[] = [];
  return fixture(
    'sqlite',
    async () => {
      const dataDir = mkdtempSync(path.join(tmpdir(), 'wardpost-test-'));
      dirs.push(dataDir);
      return { database: { kind: 'sqlite', file: path.join(dataDir, 'wardpost.sqlite') }, dataDir };
    },
    async () => {
      for (const d of dirs) rmSync(d, { recursive: true, force: true });
    },
  );
}

function postgresFixture(): EngineFixture {
  const schemas: string[] = [];
  const admin = async (fn: (c: pg.Client) => Promise<void>) => {
    const c = new pg.Client({ connectionString: PG_URL });
    await c.connect();
    try {
      await fn(c);
    } finally {
      await c.end();
    }
  };
  return fixture(
    'postgres',
    async () => {
      const schema = `wp_test_${process.pid}_${Date.now().toString(36)}_${schemas.length}`;
      await admin(async (c) => void (await c.query(`create schema ${schema}`)));
      schemas.push(schema);
      return { database: { kind: 'postgres', url: PG_URL, schema }, dataDir: tmpdir() };
    },
    async () => {
      if (!schemas.length) return;
      await admin(async (c) => {
        for (const s of schemas) await c.query(`drop schema if exists ${s} cascade`);
      });
    },
  );
}

/** Declares `suite` once per engine, as `describe('<title> [sqlite]')` and `[postgres]`. */
export function forEachEngine(title: string, suite: (engine: EngineFixture) => void): void {
  describe(`${title} [sqlite]`, () => suite(sqliteFixture()));
  describe(`${title} [postgres]`, async () => {
    const problem = await postgresProblem();
    if (problem && !REQUIRE_PEERS) {
      process.stderr.write(`skipping PostgreSQL suite: ${problem}\n`);
      return describe.skip(problem, () => undefined);
    }
    if (problem) throw new Error(`${problem} (WARDPOST_REQUIRE_PEERS=1: a missing peer is a failure)`);
    suite(postgresFixture());
  });
}
