/**
 * Webhooks: an organisation's integration engine is told about account events (joiners, leavers,
 * password resets). The API returns the signing secret only at registration, so the screen shows it
 * once; an administrator who loses it removes the webhook and registers a new one.
 */
import { useState, type FormEvent } from 'react';
import { api, formatDate, plainWords, type Org } from '../api';
import { OrgSelect } from '../components/OrgSelect';
import { DataTable, ErrorSummary, Field, Loading, Notice, SubmitRow } from '../components/ui';
import { useLoad } from '../useLoad';

const EVENTS: [string, string][] = [
  ['account.created', 'Account created'],
  ['account.updated', 'Account changed'],
  ['account.suspended', 'Account suspended'],
  ['account.restored', 'Account restored'],
  ['account.deleted', 'Account deleted'],
  ['account.purged', 'Account purged'],
  ['account.password_reset', 'Password reset'],
];

interface Webhook {
  id: number;
  orgId: number;
  url: string;
  events: string[];
  active: boolean;
  createdBy: string;
  createdAt: string;
}

interface Delivery {
  id: number;
  event: string;
  status: string;
  attempts: number;
  lastStatus: number | null;
  lastError: string | null;
  createdAt: string;
}

export function Webhooks() {
  const { data, error, loading, reload } = useLoad(async () => {
    const [hooks, orgs] = await Promise.all([api<{ items: Webhook[] }>('GET', '/api/v1/webhooks'), api<{ items: Org[] }>('GET', '/api/v1/orgs')]);
    return { hooks: hooks.items, orgs: orgs.items };
  }, []);
  const [url, setUrl] = useState('');
  const [org, setOrg] = useState('');
  const [events, setEvents] = useState<string[]>(EVENTS.map(([e]) => e));
  const [formError, setFormError] = useState<string | null>(null);
  const [secret, setSecret] = useState<{ url: string; secret: string } | null>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const [open, setOpen] = useState<number | null>(null);

  if (loading && !data) return <Loading what="webhooks" />;
  if (!data) return <ErrorSummary error={error} />;

  const register = async (e: FormEvent) => {
    e.preventDefault();
    setFormError(null);
    setNotice(null);
    setSecret(null);
    if (!events.length) return setFormError('Choose at least one event to send.');
    try {
      const r = await api<{ webhook: Webhook; secret: string }>('POST', '/api/v1/webhooks', { org: org || data.orgs[0]?.slug, url: url.trim(), events });
      setSecret({ url: r.webhook.url, secret: r.secret });
      setUrl('');
      reload();
    } catch (err) {
      setFormError(plainWords(err));
    }
  };

  const remove = async (h: Webhook) => {
    setNotice(null);
    try {
      await api('DELETE', `/api/v1/webhooks/${h.id}`);
      setNotice(`The webhook to ${h.url} is removed; no more events will be sent to it.`);
      if (open === h.id) setOpen(null);
      reload();
    } catch (err) {
      setFormError(plainWords(err));
    }
  };

  const orgName = (id: number) => data.orgs.find((o) => o.id === id)?.name ?? '';

  return (
    <>
      <h1 className="page-title">Webhooks</h1>
      <p className="lede">Tell your own systems when accounts are created, changed, suspended or deleted. Each request is signed so the receiver can check it came from Wardpost.</p>
      {notice ? <Notice kind="success">{notice}</Notice> : null}
      {secret ? (
        <Notice kind="success">
          Webhook registered for <span className="mono">{secret.url}</span>. Its signing secret is <strong className="mono" data-testid="webhook-secret">{secret.secret}</strong>. Copy it into the receiving system now: it will not be shown again.
        </Notice>
      ) : null}
      <section className="card" aria-labelledby="new-webhook">
        <h2 id="new-webhook" className="card__title">
          New webhook
        </h2>
        <form onSubmit={register} noValidate className="form-row">
          <ErrorSummary error={formError} />
          <Field label="Receiver URL" hint="An https address on the internet, for example https://integration.your-trust.nhs.example/wardpost" value={url} onChange={(e) => setUrl(e.target.value)} />
          <OrgSelect id="webhook-org" orgs={data.orgs} value={org} onChange={setOrg} />
          <fieldset className="field">
            <legend>Events to send</legend>
            {EVENTS.map(([e, label]) => (
              <div key={e} className="field field--check">
                <input id={`event-${e}`} type="checkbox" checked={events.includes(e)} onChange={(ev) => setEvents(ev.target.checked ? [...events, e] : events.filter((x) => x !== e))} />
                <label htmlFor={`event-${e}`}>{label}</label>
              </div>
            ))}
          </fieldset>
          <SubmitRow label="Register webhook" />
        </form>
      </section>
      {data.hooks.length === 0 ? (
        <p>No webhooks are registered in the organisations you administer.</p>
      ) : (
        <DataTable caption="Webhooks" columns={['Receiver URL', 'Organisation', 'Events', 'Registered']}>
          {data.hooks.map((h) => (
            <tr key={h.id}>
              <td className="mono">{h.url}</td>
              <td>{orgName(h.orgId)}</td>
              <td>{h.events.length === EVENTS.length ? 'All account events' : h.events.map((e) => EVENTS.find(([x]) => x === e)?.[1] ?? e).join(', ')}</td>
              <td className="nowrap">
                {formatDate(h.createdAt)} by {h.createdBy}
              </td>
              <td className="actions">
                <button type="button" className="button button--small button--secondary" aria-expanded={open === h.id} onClick={() => setOpen(open === h.id ? null : h.id)}>
                  {open === h.id ? 'Close' : `Deliveries to ${h.url}`}
                </button>{' '}
                <button type="button" className="button button--small button--warning" aria-label={`Remove the webhook to ${h.url}`} onClick={() => void remove(h)}>
                  Remove
                </button>
              </td>
            </tr>
          ))}
        </DataTable>
      )}
      {open !== null ? <Deliveries key={open} hook={data.hooks.find((h) => h.id === open)!} /> : null}
    </>
  );
}

function Deliveries({ hook }: { hook: Webhook }) {
  const { data, error, loading } = useLoad(() => api<{ items: Delivery[] }>('GET', `/api/v1/webhooks/${hook.id}/deliveries`), [hook.id]);
  if (loading && !data) return <Loading what="deliveries" />;
  if (!data) return <ErrorSummary error={error} />;
  return (
    <section className="card" aria-labelledby="deliveries-title">
      <h2 id="deliveries-title" className="card__title">
        Recent deliveries to {hook.url}
      </h2>
      {data.items.length === 0 ? (
        <p>Nothing has been sent yet. Events are sent as they happen.</p>
      ) : (
        <DataTable caption={`Deliveries to ${hook.url}`} columns={['When', 'Event', 'Result', { label: 'Attempts', num: true }]}>
          {data.items.map((d) => (
            <tr key={d.id}>
              <td className="nowrap">{formatDate(d.createdAt)}</td>
              <td>{EVENTS.find(([x]) => x === d.event)?.[1] ?? d.event}</td>
              <td>{d.status === 'delivered' ? `Delivered (${d.lastStatus ?? ''})` : d.status === 'failed' ? `Failed: ${d.lastError ?? `the receiver answered ${d.lastStatus ?? 'nothing'}`}` : 'Waiting to retry'}</td>
              <td className="num">{d.attempts}</td>
            </tr>
          ))}
        </DataTable>
      )}
    </section>
  );
}
