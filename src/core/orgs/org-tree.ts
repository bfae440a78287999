/**
 * The organisation tree held in memory: every admin request asks "what lies beneath this node?",
 * and reading every organisation for each request was the cost. The tree is rebuilt when an
 * organisation is added (the bus says so, in this process or, in cluster mode, from any node) and
 * at most `maxAgeMs` after it was read, which covers organisations added by the CLI in another
 * process. Nodes are never removed or re-parented, so a stale tree can only miss a new node
 * (an administrator briefly cannot reach it), never grant one.
 */
import type { OrgRow, Store } from '../../store/types.js';

export interface OrgTreeSnapshot {
  rows: OrgRow[];
  byId: Map<number, OrgRow>;
  children: Map<number, number[]>;
}

export class OrgTree {
  private snapshot: { at: number; tree: Promise<OrgTreeSnapshot> } | null = null;

  constructor(
    private readonly store: Store,
    private readonly maxAgeMs = 30_000,
  ) {}

  invalidate(): void {
    this.snapshot = null;
  }

  get(): Promise<OrgTreeSnapshot> {
    const now = Date.now();
    if (!this.snapshot || now - this.snapshot.at > this.maxAgeMs) {
      const tree = this.load();
      this.snapshot = { at: now, tree };
      // A failed read must not be cached.
      tree.catch(() => {
        if (this.snapshot?.tree === tree) this.snapshot = null;
      });
    }
    return this.snapshot.tree;
  }

  /** The node and everything beneath it. */
  async subtree(orgId: number): Promise<number[]> {
    const { children } = await this.get();
    const out: number[] = [];
    const stack = [orgId];
    while (stack.length) {
      const id = stack.pop()!;
      out.push(id);
      stack.push(...(children.get(id) ?? []));
    }
    return out;
  }

  /** The node and every node above it, nearest first. */
  async ancestry(orgId: number): Promise<number[]> {
    const { byId } = await this.get();
    const out: number[] = [];
    for (let id: number | null = orgId; id !== null && !out.includes(id); id = byId.get(id)?.parent_id ?? null) out.push(id);
    return out;
  }

  private async load(): Promise<OrgTreeSnapshot> {
    const rows = await this.store.orgs.list();
    const byId = new Map(rows.map((r) => [Number(r.id), r]));
    const children = new Map<number, number[]>();
    for (const r of rows) if (r.parent_id !== null) children.set(Number(r.parent_id), [...(children.get(Number(r.parent_id)) ?? []), Number(r.id)]);
    return { rows, byId, children };
  }
}
