/**
 * Who may work in someone else's mailbox, and how: the members of a shared mailbox, or the delegates
 * of a person (a secretary for a consultant). Both are the same grants in core/sharing, behind the
 * same API shape (`GET base`, `PUT base/{who}`, `DELETE base/{who}`), which IMAP, JMAP, SMTP and
 * CalDAV enforce; this one editor serves both screens with their own words.
 */
import { useState } from 'react';
import { api, enc, plainWords } from '../api';
import { DataTable, ErrorSummary, Field, Loading, Notice, SubmitRow } from './ui';
import { useLoad } from '../useLoad';

interface Grant {
  grantee: { address: string; displayName: string };
  mailbox: string;
  calendar: string;
  sendAs: boolean;
  sendOnBehalf: boolean;
}

const MAIL_ACCESS: { value: string; label: string }[] = [
  { value: '', label: 'None' },
  { value: 'read', label: 'Read' },
  { value: 'write', label: 'Read and write' },
  { value: 'full', label: 'Full (also share it onward)' },
];
const CALENDAR_ACCESS: { value: string; label: string }[] = [
  { value: '', label: 'None' },
  { value: 'freebusy', label: 'Free/busy only' },
  { value: 'read', label: 'Read' },
  { value: 'write', label: 'Read and write' },
  { value: 'delegate', label: 'Delegate (acts for them)' },
];
/** The preset a grant's RFC 4314 letters amount to (the API answers in letters). */
const mailAccessOf = (rights: string) => (rights.includes('a') ? 'full' : rights.includes('i') ? 'write' : rights ? 'read' : '');
const calendarAccessOf = (rights: string) => (rights.includes('p') ? 'delegate' : rights.includes('w') || rights.includes('i') ? 'write' : rights.includes('r') ? 'read' : rights ? 'freebusy' : '');

export interface GrantWords {
  title: string;
  caption: string;
  none: string;
  add: string;
  addButton: string;
  person: string;
  formLabel: string;
  sendAs: string;
  sendOnBehalf: string;
}

function AccessSelect({ id, label, options, value, onChange }: { id?: string; label: string; options: { value: string; label: string }[]; value: string; onChange: (v: string) => void }) {
  return (
    <select id={id} className="select" aria-label={id ? undefined : label} value={value} onChange={(e) => onChange(e.target.value)}>
      {options.map((a) => (
        <option key={a.value} value={a.value}>
          {a.label}
        </option>
      ))}
    </select>
  );
}

export function GrantsEditor({ base, owner, words, calendar = false }: { base: string; owner: string; words: GrantWords; calendar?: boolean }) {
  const { data, error, loading, reload } = useLoad(() => api<{ items: Grant[] }>('GET', base), [base]);
  const [add, setAdd] = useState({ who: '', mailbox: 'write', calendar: '', sendAs: false, sendOnBehalf: false });
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
  const put = (who: string, body: Record<string, unknown>) => api('PUT', `${base}/${enc(who)}`, body);
  const labelOf = (options: { value: string; label: string }[], v: string) => options.find((a) => a.value === v)?.label.toLowerCase() ?? v;

  return (
    <section className="card" aria-labelledby="grants-title">
      <h2 id="grants-title" className="card__title">
        {words.title}
      </h2>
      {done ? <Notice kind="success">{done}</Notice> : null}
      <ErrorSummary error={problem ?? error} />
      {loading && !data ? <Loading what={words.caption.toLowerCase()} /> : null}
      {data && data.items.length === 0 ? <p>{words.none}</p> : null}
      {data && data.items.length > 0 ? (
        <DataTable caption={words.caption} columns={[words.person, 'Access', ...(calendar ? ['Calendar'] : []), 'Send as', 'Send on behalf']}>
          {data.items.map((m) => (
            <tr key={m.grantee.address}>
              <td>
                {m.grantee.displayName} <span className="mono">{m.grantee.address}</span>
              </td>
              <td>
                <AccessSelect label={`Access of ${m.grantee.displayName}`} options={MAIL_ACCESS.slice(calendar ? 0 : 1)} value={mailAccessOf(m.mailbox)} onChange={(v) => void change(() => put(m.grantee.address, { mailbox: v }), `${m.grantee.displayName} now has ${labelOf(MAIL_ACCESS, v)} access.`)} />
              </td>
              {calendar ? (
                <td>
                  <AccessSelect label={`Calendar access of ${m.grantee.displayName}`} options={CALENDAR_ACCESS} value={calendarAccessOf(m.calendar)} onChange={(v) => void change(() => put(m.grantee.address, { calendar: v }), `${m.grantee.displayName} now has ${labelOf(CALENDAR_ACCESS, v)} calendar access.`)} />
                </td>
              ) : null}
              <td>
                <input type="checkbox" aria-label={`${m.grantee.displayName} may send as ${owner}`} checked={m.sendAs} onChange={(e) => void change(() => put(m.grantee.address, { sendAs: e.target.checked }), 'Saved.')} />
              </td>
              <td>
                <input type="checkbox" aria-label={`${m.grantee.displayName} may send on behalf of ${owner}`} checked={m.sendOnBehalf} onChange={(e) => void change(() => put(m.grantee.address, { sendOnBehalf: e.target.checked }), 'Saved.')} />
              </td>
              <td>
                <button type="button" className="button button--small button--warning" onClick={() => void change(() => api('DELETE', `${base}/${enc(m.grantee.address)}`), `${m.grantee.displayName} can no longer open ${owner}.`)}>
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
        aria-label={words.formLabel}
        onSubmit={(e) => {
          e.preventDefault();
          const who = add.who.trim();
          if (!who) return setProblem('Enter the address of the person to add.');
          const body = { mailbox: add.mailbox, sendAs: add.sendAs, sendOnBehalf: add.sendOnBehalf, ...(calendar ? { calendar: add.calendar } : {}) };
          void change(() => put(who, body), `${who} is now a ${words.person.toLowerCase()}.`).then((ok) => ok && setAdd({ ...add, who: '' }));
        }}
      >
        <Field label={words.add} hint="Their mail address" value={add.who} onChange={(e) => setAdd({ ...add, who: e.target.value })} />
        <div className="field">
          <label className="field__label" htmlFor="add-access">
            Access
          </label>
          <AccessSelect id="add-access" label="Access" options={MAIL_ACCESS.slice(calendar ? 0 : 1)} value={add.mailbox} onChange={(v) => setAdd({ ...add, mailbox: v })} />
        </div>
        {calendar ? (
          <div className="field">
            <label className="field__label" htmlFor="add-calendar">
              Calendar
            </label>
            <AccessSelect id="add-calendar" label="Calendar" options={CALENDAR_ACCESS} value={add.calendar} onChange={(v) => setAdd({ ...add, calendar: v })} />
          </div>
        ) : null}
        <div className="field field--check">
          <input id="add-send-as" type="checkbox" checked={add.sendAs} onChange={(e) => setAdd({ ...add, sendAs: e.target.checked })} />
          <label htmlFor="add-send-as">{words.sendAs}</label>
        </div>
        <div className="field field--check">
          <input id="add-behalf" type="checkbox" checked={add.sendOnBehalf} onChange={(e) => setAdd({ ...add, sendOnBehalf: e.target.checked })} />
          <label htmlFor="add-behalf">{words.sendOnBehalf}</label>
        </div>
        <SubmitRow label={words.addButton} />
      </form>
    </section>
  );
}
