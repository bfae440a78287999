import { api, formatBytes, type Account, type Org } from '../api';
import { BarChart, DailyChart, Ring, StorageChart } from '../components/charts';
import { ErrorSummary, Link, Loading } from '../components/ui';
import { useLoad } from '../useLoad';

interface Stats {
  accountsByStatus: Record<string, number>;
  byOrg: { org: { id: number; slug: string; name: string }; accounts: Record<string, number>; usedBytes: number; quotaBytes: number }[];
  mailPerDay: { day: string; messages: number; bytes: number }[];
}

interface SmsUsage {
  items: { orgId: number; day: string; messages: number; parts: number }[];
}

const STATUS_LABEL: Record<string, string> = { active: 'Active', suspended: 'Suspended', deleted: 'Deleted (kept for now)' };
const live = (counts: Record<string, number>) => (counts.active ?? 0) + (counts.suspended ?? 0);

export function Dashboard() {
  const { data, error, loading } = useLoad(async () => {
    const since = new Date(Date.now() - 30 * 86_400_000).toISOString().slice(0, 10);
    const [accounts, orgs, stats, sms] = await Promise.all([
      api<{ items: Account[] }>('GET', '/api/v1/accounts'),
      api<{ items: Org[] }>('GET', '/api/v1/orgs'),
      api<Stats>('GET', '/api/v1/stats?days=14'),
      api<SmsUsage>('GET', `/api/v1/sms/usage?since=${since}`),
    ]);
    return { accounts: accounts.items.filter((a) => a.status !== 'deleted'), orgs: orgs.items, stats, sms: sms.items };
  }, []);

  if (loading && !data) return <Loading what="the dashboard" />;
  if (error) return <ErrorSummary error={error} />;
  if (!data) return null;

  const { accounts, orgs, stats, sms } = data;
  // SMS are charged per part (a long text is several): parts per organisation and per day, last 31 days.
  const smsByOrg = new Map<number, number>();
  const smsByDay = new Map<string, number>();
  for (const u of sms) {
    smsByOrg.set(u.orgId, (smsByOrg.get(u.orgId) ?? 0) + u.parts);
    smsByDay.set(u.day, (smsByDay.get(u.day) ?? 0) + u.parts);
  }
  const smsTotal = [...smsByDay.values()].reduce((a, b) => a + b, 0);
  const orgName = (id: number) => orgs.find((o) => o.id === id)?.name ?? `Organisation ${id}`;
  const byOrg = [...stats.byOrg].sort((x, y) => live(y.accounts) - live(x.accounts) || x.org.name.localeCompare(y.org.name));
  const used = stats.byOrg.reduce((s, o) => s + o.usedBytes, 0);
  const quota = stats.byOrg.reduce((s, o) => s + o.quotaBytes, 0);
  const suspended = stats.accountsByStatus.suspended ?? 0;
  const mustChange = accounts.filter((a) => a.mustChangePassword).length;
  const nearlyFull = accounts.filter((a) => a.quotaBytes > 0 && a.usedBytes / a.quotaBytes >= 0.9);
  const mailTotal = stats.mailPerDay.reduce((s, d) => s + d.messages, 0);

  return (
    <>
      <h1 className="page-title">Overview</h1>
      <p className="lede">The organisations you administer and their staff accounts.</p>
      <div className="cards">
        <div className="card card--stat">
          <p className="card__label">Staff accounts</p>
          <p className="card__value" data-testid="stat-accounts">
            {accounts.length}
          </p>
          <p className="card__note">{accounts.length - suspended} active</p>
        </div>
        <div className="card card--stat">
          <p className="card__label">Suspended</p>
          <p className="card__value">{suspended}</p>
          <p className="card__note">
            <Link to="/accounts?status=suspended">View suspended</Link>
          </p>
        </div>
        <div className="card card--stat">
          <p className="card__label">Organisations</p>
          <p className="card__value">{orgs.length}</p>
          <p className="card__note">
            <Link to="/orgs">View organisations</Link>
          </p>
        </div>
        <div className="card card--stat">
          <p className="card__label">Awaiting first sign-in</p>
          <p className="card__value">{mustChange}</p>
          <p className="card__note">one-time passwords not yet changed</p>
        </div>
      </div>

      <div className="grid-2">
        <section className="card" aria-labelledby="chart-accounts">
          <h2 id="chart-accounts" className="card__title">
            Accounts per organisation
          </h2>
          <BarChart title="Accounts per organisation" data={byOrg.map((o) => ({ label: o.org.name, value: live(o.accounts) }))} />
          <h3 className="card__subtitle">By status</h3>
          <BarChart title="Accounts by status" data={Object.entries(stats.accountsByStatus).map(([k, v]) => ({ label: STATUS_LABEL[k] ?? k, value: v }))} />
        </section>
        <section className="card" aria-labelledby="chart-mail">
          <h2 id="chart-mail" className="card__title">
            Mail received, last 14 days
          </h2>
          <p className="card__note">{`${mailTotal} messages stored in the mailboxes you administer`}</p>
          <DailyChart title="Messages stored per day" unit="messages" data={stats.mailPerDay.map((d) => ({ day: d.day, value: d.messages }))} />
        </section>
        <section className="card" aria-labelledby="chart-storage">
          <h2 id="chart-storage" className="card__title">
            Storage used against quota
          </h2>
          <div className="storage-summary">
            <Ring value={used} total={quota} label="Storage used of all quota" />
            <dl className="summary-list">
              <div>
                <dt>Used</dt>
                <dd>{formatBytes(used)}</dd>
              </div>
              <div>
                <dt>Allocated quota</dt>
                <dd>{formatBytes(quota)}</dd>
              </div>
              <div>
                <dt>Mailboxes over 90% full</dt>
                <dd>{nearlyFull.length}</dd>
              </div>
            </dl>
          </div>
          <StorageChart title="Storage used against quota, per organisation" data={byOrg.filter((o) => o.quotaBytes > 0).map((o) => ({ label: o.org.name, used: o.usedBytes, quota: o.quotaBytes }))} />
        </section>
        <section className="card" aria-labelledby="chart-sms">
          <h2 id="chart-sms" className="card__title">
            Text messages (SMS), last 31 days
          </h2>
          <p className="card__note">{`${smsTotal} text${smsTotal === 1 ? '' : 's'} charged (a long message counts once per part)`}</p>
          <BarChart
            title="SMS parts charged per organisation"
            data={[...smsByOrg.entries()].sort((a, b) => b[1] - a[1]).map(([id, parts]) => ({ label: orgName(id), value: parts }))}
          />
          <h3 className="card__subtitle">Per day</h3>
          <DailyChart title="SMS parts charged per day" unit="texts" data={[...smsByDay.entries()].sort((a, b) => a[0].localeCompare(b[0])).map(([day, value]) => ({ day, value }))} />
        </section>
      </div>
    </>
  );
}
