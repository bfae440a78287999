/**
 * Shared team mailboxes (a ward's, a clinic's): create one in an organisation you administer, and
 * choose who may read it, write in it and send as it or on its behalf. The grants are the same
 * ones IMAP, JMAP and SMTP enforce (one sharing model in core).
 */
import { useState, type FormEvent } from 'react';
import { api, enc, plainWords, type Account, type Org } from '../api';
import { DataTable, ErrorSummary, Field, Loading, Notice, SubmitRow } from '../components/ui';
import { useLoad } from '../useLoad';
import { OrgSelect } from '../components/OrgSelect';

interface Member {
  grantee: { address: string; displayName: string };
  mailbox: string;
  sendAs: boolean;
  sendOnBehalf: boolean;
}

const ACCESS: { value: string; label: string }[] = [
  { value: 'read', label: 'Read' },
  { value: 'write', label: 'Read and write' },
  { value: 'full', label: 'Full (also share it onward)' },
];
/** The preset a member's rights letters amount to (the API answers in RFC 4314 letters). */
const accessOf = (rights: string) => (rights.includes('a') ? 'full' : rights.includes('i') ? 'write' : rights ? 'read' : '');

export function SharedMailboxes() {
  const { data, error, loading, reload } = useLoad(async () => {
    const [boxes, orgs] = await Promise.all([api<{ items: Account[] }>('GET', '/api/v1/shared-mailboxes'), api<{ items: Org[] }>('GET', '/api/v1/orgs')]);
    return { boxes: boxes.items, orgs: orgs.items };
  }, []);
  const [form, setForm] = useState({ address: '', name: '', org: '' });
  const [formError, setFormError] = useState<string | null>(null);
  const [notice, setNotice] = useState<string | null>(null);
  // /admin/shared?mailbox=ADDRESS opens that mailbox's members (links from elsewhere, bookmarks).
  const [open, setOpen] = useState<string | null>(() => new URLSearchParams(window.location.search).get('mailbox'));

  if (loading && !data) return <Loading what="shared mailboxes" />;
  if (!data) return <ErrorSummary error={error} />;

  const create = async (e: FormEvent) => {
    e.preventDefault();
    setFormError(null);
    setNotice(null);
    try {
      await api('POST', '/api/v1/shared-mailboxes', { address: form.address.trim(), name: form.name.trim(), org: form.org || data.orgs[0]?.slug });
      setNotice(`${form.name.trim()} (${form.address.trim()}) is ready. Add the people who work from it.`);
      setOpen(form.address.trim().toLowerCase());
      setForm({ address: '', name: '', org: form.org });
      reload();
    } catch (err) {
      setFormError(plainWords(err));
    }
  };

  return (
    <>
      <h1 className="page-title">Shared mailboxes</h1>
      <p className="lede">Team mailboxes that several people read and send from. Each member gets the access you choose.</p>
      {notice ? <Notice kind="success">{notice}</Notice> : null}
      <section className="card" aria-labelledby="new-shared">
        <h2 id="new-shared" className="card__title">
          New shared mailbox
        </h2>
        <form onSubmit={create} noValidate className="form-row">
          <ErrorSummary error={formError} />
          <Field label="Address" hint="For example ward7@your-trust.nhs.example" value={form.address} onChange={(e) => setForm({ ...form, address: e.target.value })} />
          <Field label="Name" hint="What people see, for example Ward 7 Nurses" value={form.name} onChange={(e) => setForm({ ...form, name: e.target.value })} />
          <OrgSelect id="shared-org" orgs={data.orgs} value={form.org} onChange={(org) => setForm({ ...form, org })} />
          <SubmitRow label="Create shared mailbox" />
        </form>
      </section>
      {data.boxes.length === 0 ? (
        <p>There are no shared mailboxes in the organisations you administer yet.</p>
      ) : (
        <DataTable caption="Shared mailboxes" columns={['Name', 'Address', 'Organisation']}>
              {data.boxes.map((b) => (
                <tr key={b.address}>
                  <td>{b.displayName}</td>
                  <td className="mono">{b.address}</td>
                  <td>{b.org.name}</td>
                  <td>
                    <button type="button" className="button button--small button--secondary" aria-expanded={open === b.address} onClick={() => setOpen(open === b.address ? null : b.address)}>
                      {open === b.address ? 'Close' : `Members of ${b.displayName}`}
                    </button>
                  </td>
                </tr>
              ))}
        </DataTable>
      )}
      {open ? <Members key={open} address={open} /> : null}
    </>
  );
}

function Members({ address }: { address: string }) {
  const { data, error, loading, reload } = useLoad(() => api<{ items: Member[] }>('GET', `/api/v1/shared-mailboxes/${enc(address)}/members`), [address]);
  const [add, setAdd] = useState({ member: '', access: 'write', sendAs: false, sendOnBehalf: false });
  const [problem, setProblem] = useState<string | null>(null);
  const [done, setDone] = useState<string | null>(null);

  const change = async (what: () => Promise<unknown>, said: string) => {
    setProblem(null);
    setDone(null);
    try {
      await what();
      setDone(said);
      reload();
      return true;
    } catch (err) {
      setProblem(plainWords(err));
      return false;
    }
  };
  const put = (member: string, body: Record<string, unknown>) => api('PUT', `/api/v1/shared-mailboxes/${enc(address)}/members/${enc(member)}`, body);

  return (
    <section className="card" aria-labelledby="members-title">
      <h2 id="members-title" className="card__title">
        Members of {address}
      </h2>
      {done ? <Notice kind="success">{done}</Notice> : null}
      <ErrorSummary error={problem ?? error} />
      {loading && !data ? <Loading what="members" /> : null}
      {data && data.items.length === 0 ? <p>No one can open this mailbox yet.</p> : null}
      {data && data.items.length > 0 ? (
        <DataTable caption="Members and their access" columns={['Member', 'Access', 'Send as', 'Send on behalf']}>
            {data.items.map((m) => (
              <tr key={m.grantee.address}>
                <td>
                  {m.grantee.displayName} <span className="mono">{m.grantee.address}</span>
                </td>
                <td>
                  <select className="select" aria-label={`Access of ${m.grantee.displayName}`} value={accessOf(m.mailbox)} onChange={(e) => void change(() => put(m.grantee.address, { mailbox: e.target.value }), `${m.grantee.displayName} now has ${ACCESS.find((a) => a.value === e.target.value)?.label.toLowerCase()} access.`)}>
                    {ACCESS.map((a) => (
                      <option key={a.value} value={a.value}>
                        {a.label}
                      </option>
                    ))}
                  </select>
                </td>
                <td>
                  <input type="checkbox" aria-label={`${m.grantee.displayName} may send as ${address}`} checked={m.sendAs} onChange={(e) => void change(() => put(m.grantee.address, { sendAs: e.target.checked }), 'Saved.')} />
                </td>
                <td>
                  <input type="checkbox" aria-label={`${m.grantee.displayName} may send on behalf of ${address}`} checked={m.sendOnBehalf} onChange={(e) => void change(() => put(m.grantee.address, { sendOnBehalf: e.target.checked }), 'Saved.')} />
                </td>
                <td>
                  <button type="button" className="button button--small button--warning" onClick={() => void change(() => api('DELETE', `/api/v1/shared-mailboxes/${enc(address)}/members/${enc(m.grantee.address)}`), `${m.grantee.displayName} can no longer open ${address}.`)}>
                    Remove
                  </button>
                </td>
              </tr>
            ))}
        </DataTable>
      ) : null}
      <form
        noValidate
        className="form-row"
        aria-label="New member"
        onSubmit={(e) => {
          e.preventDefault();
          const member = add.member.trim();
          if (!member) return setProblem('Enter the address of the person to add.');
          void change(() => put(member, { mailbox: add.access, sendAs: add.sendAs, sendOnBehalf: add.sendOnBehalf }), `${member} is now a member.`).then((ok) => ok && setAdd({ ...add, member: '' }));
        }}
      >
        <Field label="Add a member" hint="Their mail address" value={add.member} onChange={(e) => setAdd({ ...add, member: e.target.value })} />
        <div className="field">
          <label className="field__label" htmlFor="add-access">
            Access
          </label>
          <select id="add-access" className="select" value={add.access} onChange={(e) => setAdd({ ...add, access: e.target.value })}>
            {ACCESS.map((a) => (
              <option key={a.value} value={a.value}>
                {a.label}
              </option>
            ))}
          </select>
        </div>
        <div className="field field--check">
          <input id="add-send-as" type="checkbox" checked={add.sendAs} onChange={(e) => setAdd({ ...add, sendAs: e.target.checked })} />
          <label htmlFor="add-send-as">May send as this mailbox</label>
        </div>
        <div className="field field--check">
          <input id="add-behalf" type="checkbox" checked={add.sendOnBehalf} onChange={(e) => setAdd({ ...add, sendOnBehalf: e.target.checked })} />
          <label htmlFor="add-behalf">May send on its behalf</label>
        </div>
        <SubmitRow label="Add member" />
      </form>
    </section>
  );
}
