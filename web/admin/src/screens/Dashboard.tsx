import { api, formatBytes, type Account, type Org } from '../api';
import { BarChart, Ring, StorageChart } from '../components/charts';
import { ErrorSummary, Link, Loading } from '../components/ui';
import { useLoad } from '../useLoad';

export function Dashboard() {
  const { data, error, loading } = useLoad(async () => {
    const [accounts, orgs] = await Promise.all([api<{ items: Account[] }>('GET', '/api/v1/accounts'), api<{ items: Org[] }>('GET', '/api/v1/orgs')]);
    return { accounts: accounts.items, orgs: orgs.items };
  }, []);

  if (loading && !data) return <Loading what="the dashboard" />;
  if (error) return <ErrorSummary error={error} />;
  if (!data) return null;

  const { accounts, orgs } = data;
  const byOrg = new Map<number, { label: string; count: number; used: number; quota: number }>();
  for (const o of orgs) byOrg.set(o.id, { label: o.name, count: 0, used: 0, quota: 0 });
  for (const a of accounts) {
    const row = byOrg.get(a.org.id) ?? { label: a.org.name, count: 0, used: 0, quota: 0 };
    row.count++;
    row.used += a.usedBytes;
    row.quota += a.quotaBytes;
    byOrg.set(a.org.id, row);
  }
  const rows = [...byOrg.values()].sort((x, y) => y.count - x.count || x.label.localeCompare(y.label));
  const used = accounts.reduce((s, a) => s + a.usedBytes, 0);
  const quota = accounts.reduce((s, a) => s + a.quotaBytes, 0);
  const suspended = accounts.filter((a) => a.status === 'suspended').length;
  const mustChange = accounts.filter((a) => a.mustChangePassword).length;
  const nearlyFull = accounts.filter((a) => a.quotaBytes > 0 && a.usedBytes / a.quotaBytes >= 0.9);

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
          <BarChart title="Accounts per organisation" data={rows.map((r) => ({ label: r.label, value: r.count }))} />
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
          <StorageChart title="Storage used against quota, per organisation" data={rows.filter((r) => r.quota > 0).map((r) => ({ label: r.label, used: r.used, quota: r.quota }))} />
        </section>
      </div>
    </>
  );
}
