import { api, type Account, type Org } from '../api';
import { ErrorSummary, Link, Loading, StatusTag } from '../components/ui';
import { useLoad } from '../useLoad';

const KIND: Record<string, string> = { national: 'National', region: 'Region', trust: 'Trust', site: 'Site', practice: 'Practice', department: 'Department' };

/** The organisation tree as an indented table (parents before their children). */
export function Orgs() {
  const { data, error, loading } = useLoad(async () => {
    const [orgs, accounts] = await Promise.all([api<{ items: Org[] }>('GET', '/api/v1/orgs'), api<{ items: Account[] }>('GET', '/api/v1/accounts')]);
    return { orgs: orgs.items, accounts: accounts.items };
  }, []);
  if (loading && !data) return <Loading what="organisations" />;
  if (error || !data) return <ErrorSummary error={error} />;

  const ids = new Set(data.orgs.map((o) => o.id));
  const children = new Map<number | null, Org[]>();
  for (const o of data.orgs) {
    const parent = o.parentId !== null && ids.has(o.parentId) ? o.parentId : null;
    children.set(parent, [...(children.get(parent) ?? []), o]);
  }
  const ordered: { org: Org; depth: number }[] = [];
  const walk = (parent: number | null, depth: number) => {
    for (const o of (children.get(parent) ?? []).sort((a, b) => a.name.localeCompare(b.name))) {
      ordered.push({ org: o, depth });
      walk(o.id, depth + 1);
    }
  };
  walk(null, 0);
  const count = (id: number) => data.accounts.filter((a) => a.org.id === id).length;

  return (
    <>
      <h1 className="page-title">Organisations</h1>
      <p className="lede">The organisations you administer, with everything beneath them.</p>
      <div className="table-wrap">
        <table className="table">
          <thead>
            <tr>
              <th scope="col">Name</th>
              <th scope="col">Type</th>
              <th scope="col">Short name</th>
              <th scope="col">Mail domains</th>
              <th scope="col">Status</th>
              <th scope="col" className="num">
                Accounts
              </th>
            </tr>
          </thead>
          <tbody>
            {ordered.map(({ org, depth }) => (
              <tr key={org.id}>
                <td>
                  <span className="tree" style={{ paddingLeft: `${depth * 1.25}rem` }}>
                    {depth > 0 ? (
                      <span className="tree__branch" aria-hidden="true">
                        └
                      </span>
                    ) : null}
                    {org.name}
                  </span>
                </td>
                <td>{KIND[org.kind] ?? org.kind}</td>
                <td className="mono">{org.slug}</td>
                <td className="mono">{org.domains.length ? org.domains.join(', ') : '—'}</td>
                <td>
                  <StatusTag status={org.status} />
                </td>
                <td className="num">
                  <Link to={`/accounts?org=${encodeURIComponent(org.slug)}`} aria-label={`${count(org.id)} accounts in ${org.name}`}>
                    {count(org.id)}
                  </Link>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </>
  );
}
