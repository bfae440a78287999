/**
 * Changing your own password. After a reset (or on a new account) the password is a one-time
 * one, and the API refuses every administrative action until it is changed: then this screen is
 * all the portal shows.
 */
import { useState } from 'react';
import { api, plainWords } from '../api';
import { ErrorSummary, Field, Notice } from '../components/ui';

export function Password({ forced, onChanged }: { forced: boolean; onChanged: () => void }) {
  const [current, setCurrent] = useState('');
  const [next, setNext] = useState('');
  const [again, setAgain] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [done, setDone] = useState(false);
  const [busy, setBusy] = useState(false);

  const submit = async () => {
    setError(null);
    if (next !== again) return setError('The two new passwords are not the same.');
    setBusy(true);
    try {
      await api('POST', '/api/v1/auth/password', { current, new: next });
      setDone(true);
      setCurrent('');
      setNext('');
      setAgain('');
      onChanged();
    } catch (err) {
      setError(plainWords(err));
    } finally {
      setBusy(false);
    }
  };

  return (
    <>
      <h1 className="page-title">{forced ? 'Choose a new password' : 'Your password'}</h1>
      {forced ? (
        <Notice kind="warning" title="Your password is a one-time password">
          It was given to you for the first sign-in only. Choose a password of your own before you carry on.
        </Notice>
      ) : null}
      {done ? <Notice kind="success" title="Your password is changed">Use it the next time you sign in.</Notice> : null}
      <ErrorSummary error={error} />
      <form
        className="card form"
        onSubmit={(e) => {
          e.preventDefault();
          void submit();
        }}
      >
        <Field label={forced ? 'One-time password' : 'Current password'} type="password" autoComplete="current-password" value={current} onChange={(e) => setCurrent(e.target.value)} required />
        <Field label="New password" hint="At least 12 characters; a few unrelated words make a good one. Not your name or address." type="password" autoComplete="new-password" value={next} onChange={(e) => setNext(e.target.value)} required />
        <Field label="New password again" type="password" autoComplete="new-password" value={again} onChange={(e) => setAgain(e.target.value)} required />
        <div className="actions">
          <button className="button" type="submit" disabled={busy}>
            Change password
          </button>
        </div>
      </form>
    </>
  );
}
