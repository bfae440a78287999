import { useMemo, useState } from 'react';
import { api, formatBytes, ROLE_LABEL, type Account, type Org } from '../api';
import { FilterBar } from '../components/FilterBar';
import { ErrorSummary, Link, Loading, Meter, StatusTag } from '../components/ui';
import { useLoad } from '../useLoad';

export function Accounts() {
  const params = new URLSearchParams(window.location.search);
  const [q, setQ] = useState(params.get('q') ?? '');
  const [org, setOrg] = useState(params.get('org') ?? '');
  const [status, setStatus] = useState(params.get('status') ?? '');
  const { data, error, loading } = useLoad(async () => {
    const [accounts, orgs] = await Promise.all([api<{ items: Account[] }>('GET', '/api/v1/accounts'), api<{ items: Org[] }>('GET', '/api/v1/orgs')]);
    return { accounts: accounts.items, orgs: orgs.items };
  }, []);

  const shown = useMemo(() => {
    const needle = q.trim().toLowerCase();
    return (data?.accounts ?? [])
      .filter((a) => !org || a.org.slug === org)
      .filter((a) => !status || a.status === status)
      .filter((a) => !needle || [a.address, a.displayName, a.jobTitle ?? '', ...a.aliases].some((s) => s.toLowerCase().includes(needle)))
      .sort((x, y) => x.displayName.localeCompare(y.displayName));
  }, [data, q, org, status]);

  return (
    <>
      <h1 className="page-title">Accounts</h1>
      <p className="lede">Find a member of staff to suspend or restore their account, reset their password or change their mailbox size.</p>
      <ErrorSummary error={error} />
      <FilterBar
        search
        filters={[
          { kind: 'search', id: 'account-search', label: 'Search by name or email address', value: q, onChange: setQ, grow: true },
          { kind: 'select', id: 'account-org', label: 'Organisation', value: org, onChange: setOrg, options: [{ value: '', label: 'All organisations' }, ...(data?.orgs ?? []).map((o) => ({ value: o.slug, label: o.name }))] },
          {
            kind: 'select',
            id: 'account-status',
            label: 'Status',
            value: status,
            onChange: setStatus,
            options: [
              { value: '', label: 'Any status' },
              { value: 'active', label: 'Active' },
              { value: 'suspended', label: 'Suspended' },
              { value: 'deleted', label: 'Deleted (within retention)' },
            ],
          },
        ]}
      />
      {loading && !data ? (
        <Loading what="accounts" />
      ) : (
        <>
          <p className="result-count" aria-live="polite">
            {shown.length === 1 ? '1 account' : `${shown.length} accounts`}
            {data && shown.length !== data.accounts.length ? ` of ${data.accounts.length}` : ''}
          </p>
          <div className="table-wrap">
            <table className="table">
              <thead>
                <tr>
                  <th scope="col">Name</th>
                  <th scope="col">Email address</th>
                  <th scope="col">Organisation</th>
                  <th scope="col">Role</th>
                  <th scope="col">Status</th>
                  <th scope="col">Mailbox</th>
                </tr>
              </thead>
              <tbody>
                {shown.map((a) => (
                  <tr key={a.id}>
                    <td>
                      <Link to={`/accounts/${encodeURIComponent(a.address)}`}>{a.displayName}</Link>
                      {a.jobTitle ? <div className="muted">{a.jobTitle}</div> : null}
                    </td>
                    <td className="mono">{a.address}</td>
                    <td>{a.org.name}</td>
                    <td>{ROLE_LABEL[a.role] ?? a.role}</td>
                    <td>
                      <StatusTag status={a.status} />
                    </td>
                    <td className="nowrap">
                      <Meter used={a.usedBytes} total={a.quotaBytes} label={`Mailbox of ${a.displayName}`} /> <span className="muted">{formatBytes(a.usedBytes)} of {formatBytes(a.quotaBytes)}</span>
                    </td>
                  </tr>
                ))}
                {shown.length === 0 ? (
                  <tr>
                    <td colSpan={6} className="empty">
                      No accounts match. Try a shorter search or another organisation.
                    </td>
                  </tr>
                ) : null}
              </tbody>
            </table>
          </div>
        </>
      )}
    </>
  );
}
