import { useState } from 'react';
import { api, formatBytes, formatDate, type AuditEntry, type Org } from '../api';
import { FilterBar } from '../components/FilterBar';
import { ErrorSummary, Loading } from '../components/ui';
import { useLoad } from '../useLoad';

/** The entry's detail in words: sizes as sizes, empty values left out. */
function describe(action: string, detail: Record<string, unknown>): string {
  const sizes = /quota/i.test(action);
  return Object.entries(detail)
    .filter(([, v]) => v !== null && v !== undefined && v !== '' && !(Array.isArray(v) && v.length === 0))
    .map(([k, v]) => {
      const isSize = typeof v === 'number' && (/bytes$/i.test(k) || (sizes && (k === 'from' || k === 'to')));
      const key = k.replace(/Bytes$/, '').replace(/([a-z])([A-Z])/g, '$1 $2').toLowerCase();
      const value = isSize ? (v === 0 ? 'unlimited' : formatBytes(v)) : Array.isArray(v) ? v.join(', ') : typeof v === 'object' ? JSON.stringify(v) : String(v);
      return `${key}: ${value}`;
    })
    .join('; ');
}

function humanAction(action: string): string {
  const s = action.replace(/[._-]+/g, ' ');
  return s.charAt(0).toUpperCase() + s.slice(1);
}

export function Audit() {
  const [org, setOrg] = useState(new URLSearchParams(window.location.search).get('org') ?? '');
  const [limit, setLimit] = useState(100);
  const [text, setText] = useState('');
  const orgs = useLoad(() => api<{ items: Org[] }>('GET', '/api/v1/orgs'), []);
  const log = useLoad(() => api<{ items: AuditEntry[] }>('GET', `/api/v1/audit?limit=${limit}${org ? `&org=${encodeURIComponent(org)}` : ''}`), [org, limit]);
  const names = new Map((orgs.data?.items ?? []).map((o) => [o.id, o.name]));
  const needle = text.trim().toLowerCase();
  const items = (log.data?.items ?? []).filter((e) => !needle || [e.actor, e.action, e.target, e.ip ?? ''].some((s) => s.toLowerCase().includes(needle)));

  return (
    <>
      <h1 className="page-title">Audit log</h1>
      <p className="lede">Every change made by administrators and staff, with who made it, from where and when. Newest first.</p>
      <FilterBar
        filters={[
          { kind: 'select', id: 'audit-org', label: 'Organisation', value: org, onChange: setOrg, options: [{ value: '', label: 'All you administer' }, ...(orgs.data?.items ?? []).map((o) => ({ value: o.slug, label: o.name }))] },
          { kind: 'search', id: 'audit-text', label: 'Person, action or address', value: text, onChange: setText, grow: true },
          {
            kind: 'select',
            id: 'audit-limit',
            label: 'Show',
            value: String(limit),
            onChange: (v) => setLimit(Number(v)),
            options: [100, 500, 1000].map((n) => ({ value: String(n), label: `Latest ${n}` })),
          },
        ]}
      />
      <ErrorSummary error={log.error ?? orgs.error} />
      {log.loading && !log.data ? (
        <Loading what="the audit log" />
      ) : (
        <div className="table-wrap">
          <table className="table table--compact" data-testid="audit-table">
            <thead>
              <tr>
                <th scope="col">When</th>
                <th scope="col">Who</th>
                <th scope="col">Action</th>
                <th scope="col">On</th>
                <th scope="col">Organisation</th>
                <th scope="col">From</th>
                <th scope="col">Detail</th>
              </tr>
            </thead>
            <tbody>
              {items.map((e, i) => (
                <tr key={`${e.at}-${i}`}>
                  <td className="nowrap">{formatDate(e.at)}</td>
                  <td className="mono">{e.actor}</td>
                  <td>{humanAction(e.action)}</td>
                  <td className="mono">{e.target}</td>
                  <td>{e.orgId === null ? '—' : (names.get(e.orgId) ?? `#${e.orgId}`)}</td>
                  <td className="mono">{e.ip ?? '—'}</td>
                  <td className="detail">{describe(e.action, e.detail) || '—'}</td>
                </tr>
              ))}
              {items.length === 0 ? (
                <tr>
                  <td colSpan={7} className="empty">
                    Nothing recorded yet for this choice.
                  </td>
                </tr>
              ) : null}
            </tbody>
          </table>
        </div>
      )}
    </>
  );
}
