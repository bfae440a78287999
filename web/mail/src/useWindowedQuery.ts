/**
 * A message list as a window onto the server's query: pages of PAGE rows are fetched with
 * Email/query position/limit only when they scroll into view, so a 100,000-message folder costs
 * what the screen shows. Rows are kept per page; a push (version change) re-reads the pages on
 * screen and forgets the rest.
 */
import { useCallback, useEffect, useRef, useState } from 'react';
import type { JmapClient } from './jmap/client';
import { queryWindow, threadSizes, type ListEmail } from './jmap/mail';
import type { FilterCondition } from './jmap/types';

/** Rows per request: a screenful or three, so the first one answers quickly. */
export const PAGE = 50;

export interface WindowedQuery {
  /** null until the first page answered. */
  total: number | null;
  rowAt(index: number): ListEmail | undefined;
  /** Asks for the rows first..last (inclusive) to be loaded. */
  ensure(first: number, last: number): void;
  error: string | null;
  /** Index of a loaded row by email id, or -1. */
  indexOf(emailId: string): number;
}

/** `filter` null: nothing to show yet (the folders are still loading). */
export function useWindowedQuery(client: JmapClient, accountId: string, filter: FilterCondition | null, collapseThreads: boolean, filterKey: string, version: number): WindowedQuery {
  const pages = useRef(new Map<number, ListEmail[]>());
  const inFlight = useRef(new Set<number>());
  const generation = useRef(0);
  const lastRange = useRef<[number, number]>([0, PAGE - 1]);
  const [total, setTotal] = useState<number | null>(null);
  const [, setTick] = useState(0);
  const [error, setError] = useState<string | null>(null);
  const filterRef = useRef({ filter, collapseThreads });
  filterRef.current = { filter, collapseThreads };

  const load = useCallback(
    (page: number) => {
      const { filter: f, collapseThreads: collapse } = filterRef.current;
      if (inFlight.current.has(page) || !f) return;
      inFlight.current.add(page);
      const gen = generation.current;
      queryWindow(client, accountId, f, page * PAGE, PAGE, collapse).then(
        (w) => {
          if (gen !== generation.current) return;
          inFlight.current.delete(page);
          pages.current.set(page, w.emails);
          setTotal(w.total);
          setError(null);
          setTick((t) => t + 1);
          // Conversation sizes come second: the rows are on screen without waiting for them.
          threadSizes(client, accountId, w.emails.map((e) => e.threadId)).then(
            (sizes) => {
              if (gen !== generation.current || pages.current.get(page) !== w.emails) return;
              pages.current.set(page, w.emails.map((e) => ({ ...e, threadSize: sizes.get(e.threadId) ?? null })));
              setTick((t) => t + 1);
            },
            () => undefined, // the badge is a nicety; the rows stand without it
          );
        },
        (err: unknown) => {
          if (gen !== generation.current) return;
          inFlight.current.delete(page);
          setError(err instanceof Error ? err.message : String(err));
        },
      );
    },
    [client, accountId],
  );

  const ensure = useCallback(
    (first: number, last: number) => {
      lastRange.current = [first, last];
      for (let p = Math.floor(Math.max(0, first) / PAGE); p <= Math.floor(Math.max(0, last) / PAGE); p++) {
        if (!pages.current.has(p)) load(p);
      }
    },
    [load],
  );

  // A new folder or search: start afresh.
  useEffect(() => {
    generation.current++;
    pages.current = new Map();
    inFlight.current = new Set();
    setTotal(null);
    setError(null);
    lastRange.current = [0, PAGE - 1];
    load(0);
  }, [filterKey, load]);

  // Something changed on the server: re-read what is on screen, keep showing the old rows meanwhile.
  const firstVersion = useRef(version);
  useEffect(() => {
    if (version === firstVersion.current) return;
    generation.current++;
    inFlight.current = new Set();
    const [first, last] = lastRange.current;
    const keep = new Set<number>();
    for (let p = Math.floor(first / PAGE); p <= Math.floor(last / PAGE); p++) keep.add(p);
    for (const p of [...pages.current.keys()]) if (!keep.has(p)) pages.current.delete(p);
    for (const p of keep) load(p);
  }, [version, load]);

  const rowAt = useCallback((i: number) => pages.current.get(Math.floor(i / PAGE))?.[i % PAGE], []);
  const indexOf = useCallback((id: string) => {
    for (const [p, rows] of pages.current) {
      const j = rows.findIndex((r) => r.id === id);
      if (j >= 0) return p * PAGE + j;
    }
    return -1;
  }, []);
  return { total, rowAt, ensure, error, indexOf };
}
