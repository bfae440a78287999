/**
 * Figures for the portal's dashboard, within what the viewer administers: accounts by status and
 * organisation, messages stored per day (from the message rows' internal dates), and storage
 * used against quota per organisation.
 */
import type { OrgService } from '../orgs/org-service.js';
import type { Store } from '../../store/types.js';

const DAY_MS = 86_400_000;

export interface OrgFigures {
  org: { id: number; slug: string; name: string };
  accounts: Record<string, number>;
  usedBytes: number;
  quotaBytes: number;
}

export interface AdminStats {
  accountsByStatus: Record<string, number>;
  byOrg: OrgFigures[];
  /** One entry per day, oldest first, days without mail included (0). */
  mailPerDay: { day: string; messages: number; bytes: number }[];
}

export class StatsService {
  constructor(
    private readonly store: Store,
    private readonly orgs: OrgService,
  ) {}

  async figures(orgIds: ReadonlySet<number> | null, days: number, now = Date.now()): Promise<AdminStats> {
    const ids = orgIds ? [...orgIds] : null;
    const { byId } = await this.orgs.tree.get();
    const byOrg = new Map<number, OrgFigures>();
    const accountsByStatus: Record<string, number> = {};
    for (const c of await this.store.admin.accountCounts(ids)) {
      const o = byId.get(c.orgId);
      let f = byOrg.get(c.orgId);
      if (!f) byOrg.set(c.orgId, (f = { org: { id: c.orgId, slug: o?.slug ?? '', name: o?.name ?? '' }, accounts: {}, usedBytes: 0, quotaBytes: 0 }));
      f.accounts[c.status] = (f.accounts[c.status] ?? 0) + c.count;
      f.usedBytes += c.usedBytes;
      f.quotaBytes += c.quotaBytes;
      accountsByStatus[c.status] = (accountsByStatus[c.status] ?? 0) + c.count;
    }
    const first = Math.floor(now / DAY_MS) - (days - 1);
    const perDay = new Map<string, { messages: number; bytes: number }>();
    for (let d = 0; d < days; d++) perDay.set(new Date((first + d) * DAY_MS).toISOString().slice(0, 10), { messages: 0, bytes: 0 });
    for (const r of await this.store.admin.mailPerDay(ids, first * DAY_MS)) {
      const slot = perDay.get(r.day);
      if (!slot) continue;
      slot.messages += r.messages;
      slot.bytes += r.bytes;
    }
    return {
      accountsByStatus,
      byOrg: [...byOrg.values()].sort((a, b) => a.org.name.localeCompare(b.org.name)),
      mailPerDay: [...perDay].map(([day, v]) => ({ day, ...v })),
    };
  }
}
