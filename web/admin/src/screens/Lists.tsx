/**
 * Distribution lists: one address that SMTP expands to its members (colleagues anywhere on the
 * platform, or outside addresses such as a locum's). Create, add and remove members, delete.
 */
import { useState, type FormEvent } from 'react';
import { api, enc, plainWords, type Org } from '../api';
import { OrgSelect } from '../components/OrgSelect';
import { DataTable, ErrorSummary, Field, Loading, Notice, SubmitRow, TextArea } from '../components/ui';
import { useLoad } from '../useLoad';

interface ListSummary {
  address: string;
  orgId: number;
  name: string;
  members: number;
}

export function Lists() {
  const { data, error, loading, reload } = useLoad(async () => {
    const [lists, orgs] = await Promise.all([api<{ items: ListSummary[] }>('GET', '/api/v1/lists'), api<{ items: Org[] }>('GET', '/api/v1/orgs')]);
    return { lists: lists.items, orgs: orgs.items };
  }, []);
  const [form, setForm] = useState({ address: '', name: '', org: '', members: '' });
  const [formError, setFormError] = useState<string | null>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const [open, setOpen] = useState<string | null>(null);

  if (loading && !data) return <Loading what="distribution lists" />;
  if (!data) return <ErrorSummary error={error} />;

  const create = async (e: FormEvent) => {
    e.preventDefault();
    setFormError(null);
    setNotice(null);
    const members = form.members.split(/[\s,;]+/).map((m) => m.trim()).filter(Boolean);
    try {
      await api('POST', '/api/v1/lists', { address: form.address.trim(), name: form.name.trim(), org: form.org || data.orgs[0]?.slug, members });
      setNotice(`Mail to ${form.address.trim()} now reaches ${members.length} member${members.length === 1 ? '' : 's'}.`);
      setForm({ address: '', name: '', org: form.org, members: '' });
      reload();
    } catch (err) {
      setFormError(plainWords(err));
    }
  };

  const orgName = (id: number) => data.orgs.find((o) => o.id === id)?.name ?? '';

  return (
    <>
      <h1 className="page-title">Distribution lists</h1>
      <p className="lede">One address that reaches a group of people. Members may be colleagues anywhere on the platform or outside addresses.</p>
      {notice ? <Notice kind="success">{notice}</Notice> : null}
      <section className="card" aria-labelledby="new-list">
        <h2 id="new-list" className="card__title">
          New list
        </h2>
        <form onSubmit={create} noValidate className="form-row">
          <ErrorSummary error={formError} />
          <Field label="List address" hint="For example theatre-staff@your-trust.nhs.example" value={form.address} onChange={(e) => setForm({ ...form, address: e.target.value })} />
          <Field label="List name" value={form.name} onChange={(e) => setForm({ ...form, name: e.target.value })} />
          <OrgSelect id="list-org" orgs={data.orgs} value={form.org} onChange={(org) => setForm({ ...form, org })} />
          <TextArea id="list-members" label="Members" hint="Mail addresses, one per line" value={form.members} onChange={(members) => setForm({ ...form, members })} />
          <SubmitRow label="Create list" />
        </form>
      </section>
      {data.lists.length === 0 ? (
        <p>There are no distribution lists in the organisations you administer yet.</p>
      ) : (
        <DataTable caption="Distribution lists" columns={['Name', 'Address', 'Organisation', { label: 'Members', num: true }]}>
              {data.lists.map((l) => (
                <tr key={l.address}>
                  <td>{l.name}</td>
                  <td className="mono">{l.address}</td>
                  <td>{orgName(l.orgId)}</td>
                  <td className="num">{l.members}</td>
                  <td>
                    <button type="button" className="button button--small button--secondary" aria-expanded={open === l.address} onClick={() => setOpen(open === l.address ? null : l.address)}>
                      {open === l.address ? 'Close' : `Members of ${l.name}`}
                    </button>
                  </td>
                </tr>
              ))}
        </DataTable>
      )}
      {open ? (
        <ListMembers
          key={open}
          address={open}
          onChanged={reload}
          onDeleted={() => {
            setNotice(`The list ${open} is deleted; mail to it is now refused.`);
            setOpen(null);
            reload();
          }}
        />
      ) : null}
    </>
  );
}

function ListMembers({ address, onChanged, onDeleted }: { address: string; onChanged: () => void; onDeleted: () => void }) {
  const { data, error, loading, reload } = useLoad(() => api<{ name: string; members: string[] }>('GET', `/api/v1/lists/${enc(address)}`), [address]);
  const [member, setMember] = useState('');
  const [problem, setProblem] = useState<string | null>(null);
  const [confirmDelete, setConfirmDelete] = useState(false);

  const change = async (what: () => Promise<unknown>) => {
    setProblem(null);
    try {
      await what();
      reload();
      onChanged();
      return true;
    } catch (err) {
      setProblem(plainWords(err));
      return false;
    }
  };

  return (
    <section className="card" aria-labelledby="list-members-title">
      <h2 id="list-members-title" className="card__title">
        Members of {address}
      </h2>
      <ErrorSummary error={problem ?? error} />
      {loading && !data ? <Loading what="members" /> : null}
      {data ? (
        <ul className="member-list">
          {data.members.map((m) => (
            <li key={m}>
              <span className="mono">{m}</span>{' '}
              <button type="button" className="button button--small button--secondary" aria-label={`Remove ${m}`} onClick={() => void change(() => api('DELETE', `/api/v1/lists/${enc(address)}/members/${enc(m)}`))}>
                Remove
              </button>
            </li>
          ))}
          {data.members.length === 0 ? <li>No members: mail to this list reaches no one.</li> : null}
        </ul>
      ) : null}
      <form
        noValidate
        className="form-row"
        aria-label="New list member"
        onSubmit={(e) => {
          e.preventDefault();
          if (!member.trim()) return setProblem('Enter the mail address to add.');
          void change(() => api('PUT', `/api/v1/lists/${enc(address)}/members/${enc(member.trim())}`)).then((ok) => ok && setMember(''));
        }}
      >
        <Field label="Add to the list" hint="A mail address" value={member} onChange={(e) => setMember(e.target.value)} />
        <SubmitRow label="Add to list" />
      </form>
      <div className="actions">
        {confirmDelete ? (
          <>
            <button type="button" className="button button--warning" onClick={() => void change(() => api('DELETE', `/api/v1/lists/${enc(address)}`)).then((ok) => ok && onDeleted())}>
              Yes, delete {address}
            </button>
            <button type="button" className="button button--secondary" onClick={() => setConfirmDelete(false)}>
              Keep the list
            </button>
          </>
        ) : (
          <button type="button" className="button button--secondary" onClick={() => setConfirmDelete(true)}>
            Delete this list
          </button>
        )}
      </div>
    </section>
  );
}
