/**
 * Queries built and compiled once per SQL dialect, then run many times with new values.
 *
 * Building a Kysely query (immutable nodes, frozen objects) and compiling it to SQL costs tens of
 * microseconds, more than SQLite takes to run a small statement; on the delivery path that was
 * most of the CPU per message. A prepared query is still written with the Kysely builder (one
 * query code for both engines): it is built the first time with a marker in place of each
 * argument, compiled for the dialect at hand, and from then on only the parameter list is
 * rebuilt. The builder must therefore use its arguments only as values (never branch on them,
 * never read their properties) and must not read clocks or other state: anything that varies is
 * an argument. Both are checked at first compile (every argument must reach the parameters).
 */
import type { Compilable, CompiledQuery, Kysely, QueryResult } from 'kysely';
import type { Database } from './schema/tables.js';

const MARK = '\u0000wardpost-argument-';

interface Plan {
  compiled: CompiledQuery;
  /** For each SQL parameter: the argument index it takes, or -1 for a constant of the query. */
  slots: number[];
}

export interface Prepared<A extends unknown[], R> {
  /** Runs the query on `db` (the database or an open transaction) with these arguments. */
  run(db: Kysely<Database>, ...args: A): Promise<QueryResult<R>>;
}

export function prepared<A extends unknown[], R>(build: (db: Kysely<Database>, ...args: A) => Compilable<R>): Prepared<A, R> {
  const arity = build.length - 1;
  // One plan per dialect: the SQL text differs (placeholders, quoting) between engines.
  const plans = new Map<unknown, Plan>();
  const plan = (db: Kysely<Database>): Plan => {
    const dialect = db.getExecutor().adapter.constructor;
    let p = plans.get(dialect);
    if (!p) {
      const marks = Array.from({ length: arity }, (_, i) => `${MARK}${i}`) as A;
      const compiled = build(db, ...marks).compile();
      const slots = compiled.parameters.map((v) => (typeof v === 'string' && v.startsWith(MARK) ? Number(v.slice(MARK.length)) : -1));
      for (let i = 0; i < arity; i++) {
        if (!slots.includes(i)) throw new Error(`prepared query: argument ${i} does not reach the SQL parameters of: ${compiled.sql}`);
      }
      p = { compiled, slots };
      plans.set(dialect, p);
    }
    return p;
  };
  return {
    run(db, ...args) {
      const { compiled, slots } = plan(db);
      const parameters = slots.map((s, i) => (s === -1 ? compiled.parameters[i] : args[s]));
      return db.executeQuery<R>({ ...compiled, parameters } as CompiledQuery<R>);
    },
  };
}
