/** Settings screens: out-of-office reply (JMAP VacationResponse, RFC 8621 section 8) and password. */
import { useEffect, useState, type FormEvent } from 'react';
import { plainWords, requestJson } from '../../shared/http';
import { ErrorSummary, Field, Loading, Notice } from '../../shared/ui';
import { fromLocalInput, toLocalInput } from './format';
import type { JmapClient } from './jmap/client';
import { getVacation, setVacation } from './jmap/mail';
import type { VacationResponse } from './jmap/types';


export function VacationSettings({ client, accountId }: { client: JmapClient; accountId: string }) {
  const [v, setV] = useState<VacationResponse | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [saved, setSaved] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  useEffect(() => {
    getVacation(client, accountId).then(setV, (e: unknown) => setError(plainWords(e)));
  }, [client, accountId]);

  if (!v) return error ? <ErrorSummary error={error} /> : <Loading what="your out-of-office settings" />;

  const save = async (e: FormEvent) => {
    e.preventDefault();
    setError(null);
    setSaved(null);
    if (v.fromDate && v.toDate && v.fromDate > v.toDate) return setError('The end date must be after the start date.');
    if (v.isEnabled && !v.textBody?.trim()) return setError('Write the reply people will receive.');
    setBusy(true);
    try {
      await setVacation(client, accountId, { isEnabled: v.isEnabled, fromDate: v.fromDate, toDate: v.toDate, subject: v.subject || null, textBody: v.textBody || null, htmlBody: null });
      setSaved(v.isEnabled ? 'Your out-of-office reply is on.' : 'Your out-of-office reply is off.');
    } catch (err) {
      setError(plainWords(err));
    } finally {
      setBusy(false);
    }
  };

  return (
    <form className="settings" onSubmit={save} noValidate>
      <h1 className="page-title">Out-of-office reply</h1>
      <p className="lede">When it is on, people who write to you get this reply once, between the dates you choose.</p>
      {saved ? <Notice kind="success">{saved}</Notice> : null}
      <ErrorSummary error={error} />
      <div className="field field--check">
        <input id="vac-on" type="checkbox" checked={v.isEnabled} onChange={(e) => setV({ ...v, isEnabled: e.target.checked })} />
        <label htmlFor="vac-on">Send an out-of-office reply</label>
      </div>
      <Field label="From (optional)" type="datetime-local" value={toLocalInput(v.fromDate)} onChange={(e) => setV({ ...v, fromDate: fromLocalInput(e.target.value) })} />
      <Field label="Until (optional)" type="datetime-local" value={toLocalInput(v.toDate)} onChange={(e) => setV({ ...v, toDate: fromLocalInput(e.target.value) })} />
      <Field label="Subject" value={v.subject ?? ''} placeholder="Out of office" onChange={(e) => setV({ ...v, subject: e.target.value })} />
      <div className="field">
        <label className="field__label" htmlFor="vac-text">
          Reply
        </label>
        <textarea id="vac-text" className="input" rows={8} value={v.textBody ?? ''} onChange={(e) => setV({ ...v, textBody: e.target.value })} />
      </div>
      <div className="actions">
        <button className="button" type="submit" disabled={busy}>
          {busy ? 'Saving…' : 'Save out-of-office reply'}
        </button>
      </div>
    </form>
  );
}

export function PasswordSettings({ csrf }: { csrf: string | null }) {
  const [current, setCurrent] = useState('');
  const [next, setNext] = useState('');
  const [again, setAgain] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [done, setDone] = useState(false);

  const save = async (e: FormEvent) => {
    e.preventDefault();
    setError(null);
    setDone(false);
    if (!current || !next) return setError('Enter your current password and a new one.');
    if (next !== again) return setError('The new passwords are not the same.');
    try {
      await requestJson('POST', '/api/v1/auth/password', { current, new: next }, csrf);
      setDone(true);
      setCurrent('');
      setNext('');
      setAgain('');
    } catch (err) {
      setError(plainWords(err));
    }
  };

  return (
    <form className="settings" onSubmit={save} noValidate>
      <h1 className="page-title">Change your password</h1>
      {done ? <Notice kind="success">Your password has been changed.</Notice> : null}
      <ErrorSummary error={error} />
      <Field label="Current password" type="password" autoComplete="current-password" value={current} onChange={(e) => setCurrent(e.target.value)} />
      <Field label="New password" type="password" autoComplete="new-password" value={next} onChange={(e) => setNext(e.target.value)} />
      <Field label="New password again" type="password" autoComplete="new-password" value={again} onChange={(e) => setAgain(e.target.value)} />
      <div className="actions">
        <button className="button" type="submit">
          Change password
        </button>
      </div>
    </form>
  );
}

export const SHORTCUTS: [string, string][] = [
  ['j / ↓', 'Next conversation'],
  ['k / ↑', 'Previous conversation'],
  ['Enter / o', 'Open conversation'],
  ['x / Space', 'Select or deselect'],
  ['c', 'Write a new message'],
  ['r', 'Reply'],
  ['a', 'Reply all'],
  ['f', 'Forward'],
  ['s', 'Flag or unflag'],
  ['u', 'Mark as unread / read'],
  ['e', 'Archive'],
  ['# / Delete', 'Move to Deleted items'],
  ['/', 'Search'],
  ['g then i', 'Go to Inbox'],
  ['Escape', 'Close the message or dialog'],
  ['Ctrl + Enter', 'Send (while writing)'],
  ['?', 'Show these shortcuts'],
];

export function ShortcutHelp({ onClose }: { onClose: () => void }) {
  return (
    <div className="overlay" onClick={onClose}>
      <section className="dialog" role="dialog" aria-modal="true" aria-labelledby="help-title" onClick={(e) => e.stopPropagation()} onKeyDown={(e) => e.key === 'Escape' && onClose()}>
        <h2 id="help-title">Keyboard shortcuts</h2>
        <table className="shortcuts">
          <thead>
            <tr>
              <th scope="col">Key</th>
              <th scope="col">Does</th>
            </tr>
          </thead>
          <tbody>
            {SHORTCUTS.map(([k, d]) => (
              <tr key={k}>
                <td>
                  <kbd>{k}</kbd>
                </td>
                <td>{d}</td>
              </tr>
            ))}
          </tbody>
        </table>
        <button className="button" type="button" autoFocus onClick={onClose}>
          Close
        </button>
      </section>
    </div>
  );
}
