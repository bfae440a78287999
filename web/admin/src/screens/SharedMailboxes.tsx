/**
 * Shared team mailboxes (a ward's, a clinic's): create one in an organisation you administer, and
 * choose who may read it, write in it and send as it or on its behalf. The grants are the same
 * ones IMAP, JMAP and SMTP enforce (one sharing model in core).
 */
import { useState, type FormEvent } from 'react';
import { api, enc, plainWords, type Account, type Org } from '../api';
import { DataTable, ErrorSummary, Field, Loading, Notice, SubmitRow } from '../components/ui';
import { GrantsEditor } from '../components/GrantsEditor';
import { useLoad } from '../useLoad';
import { OrgSelect } from '../components/OrgSelect';

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
      {open ? (
        <GrantsEditor
          key={open}
          base={`/api/v1/shared-mailboxes/${enc(open)}/members`}
          owner={open}
          words={{ title: `Members of ${open}`, caption: 'Members and their access', none: 'No one can open this mailbox yet.', add: 'Add a member', addButton: 'Add member', person: 'Member', formLabel: 'New member', sendAs: 'May send as this mailbox', sendOnBehalf: 'May send on its behalf' }}
        />
      ) : null}
    </>
  );
}
