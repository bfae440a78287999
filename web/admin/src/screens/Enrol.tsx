import { useState, type FormEvent } from 'react';
import { api, plainWords, type AccountSummary } from '../api';
import { AuthPanel, ErrorSummary, Field, Notice } from '../components/ui';

/**
 * First-time administrators turn on two-step sign-in before they can administer anything:
 * the secret for the authenticator app (as text: no QR code images leave the server), a first
 * code to confirm, then the recovery codes, shown once.
 */
export function Enrol({ account, onDone, onSignOut }: { account: AccountSummary; onDone: () => void; onSignOut: () => void }) {
  const [setup, setSetup] = useState<{ secret: string; uri: string } | null>(null);
  const [code, setCode] = useState('');
  const [codes, setCodes] = useState<string[] | null>(null);
  const [stored, setStored] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  const begin = async () => {
    setError(null);
    setBusy(true);
    try {
      setSetup(await api<{ secret: string; uri: string }>('POST', '/api/v1/auth/mfa/begin'));
    } catch (err) {
      setError(plainWords(err));
    } finally {
      setBusy(false);
    }
  };

  const confirm = async (e: FormEvent) => {
    e.preventDefault();
    setError(null);
    const c = code.replace(/\s+/g, '');
    if (!/^\d{6}$/.test(c)) {
      setError('Enter the 6-digit code shown in your authenticator app.');
      return;
    }
    setBusy(true);
    try {
      const r = await api<{ recoveryCodes: string[] }>('POST', '/api/v1/auth/mfa/confirm', { code: c });
      setCodes(r.recoveryCodes);
    } catch (err) {
      setError(plainWords(err));
    } finally {
      setBusy(false);
    }
  };

  const grouped = setup ? setup.secret.replace(/(.{4})/g, '$1 ').trim() : '';

  return (
    <AuthPanel wide>
      <p className="caption">Step {codes ? 3 : setup ? 2 : 1} of 3</p>
      <h1 className="signin__title">{codes ? 'Save your recovery codes' : 'Set up two-step sign-in'}</h1>
      <ErrorSummary error={error} />

      {!setup && !codes ? (
        <>
          <p className="lede">
            Hello {account.displayName}. Administrators must sign in with a password <em>and</em> a code from an authenticator app on their phone (for example Microsoft Authenticator, Google Authenticator or FreeOTP). This keeps patients' and colleagues' information safe if
            a password is ever stolen.
          </p>
          <p>It takes about two minutes. Have your phone ready.</p>
          <div className="actions">
            <button className="button" type="button" onClick={begin} disabled={busy}>
              {busy ? 'Preparing…' : 'Set up two-step sign-in'}
            </button>
            <button className="button button--secondary" type="button" onClick={onSignOut}>
              Sign out
            </button>
          </div>
        </>
      ) : null}

      {setup && !codes ? (
        <>
          <ol className="steps">
            <li>
              In your authenticator app, choose to add an account and <strong>enter a setup key</strong>.
            </li>
            <li>
              Enter this key (spaces do not matter), with your email address as the account name:
              <div className="secret" aria-label="Setup key">
                <code data-testid="totp-secret" data-secret={setup.secret}>
                  {grouped}
                </code>
              </div>
            </li>
            <li>
              Or, if your app accepts a setup link, use this one:
              <div className="secret secret--uri">
                <code data-testid="totp-uri">{setup.uri}</code>
              </div>
            </li>
          </ol>
          <form onSubmit={confirm} noValidate>
            <Field label="Code from the app" hint="The 6 digits currently shown for Wardpost" name="code" inputMode="numeric" autoComplete="one-time-code" className="input input--code" value={code} onChange={(e) => setCode(e.target.value)} />
            <div className="actions">
              <button className="button" type="submit" disabled={busy}>
                {busy ? 'Checking…' : 'Turn on two-step sign-in'}
              </button>
              <button className="button button--secondary" type="button" onClick={onSignOut}>
                Cancel and sign out
              </button>
            </div>
          </form>
        </>
      ) : null}

      {codes ? (
        <>
          <Notice kind="success" title="Two-step sign-in is on">
            From now on you will be asked for a code from your app each time you sign in.
          </Notice>
          <p className="lede">
            If you lose your phone, each of these codes lets you sign in <strong>once</strong>. Print them or store them somewhere safe now: they will <strong>not be shown again</strong>.
          </p>
          <ul className="recovery" data-testid="recovery-codes" aria-label="Recovery codes">
            {codes.map((c) => (
              <li key={c}>
                <code>{c}</code>
              </li>
            ))}
          </ul>
          <div className="actions">
            <button className="button button--secondary" type="button" onClick={() => window.print()}>
              Print codes
            </button>
          </div>
          <div className="checkbox">
            <input id="stored" type="checkbox" checked={stored} onChange={(e) => setStored(e.target.checked)} />
            <label htmlFor="stored">I have stored my recovery codes safely</label>
          </div>
          <div className="actions">
            <button className="button" type="button" disabled={!stored} onClick={onDone}>
              Sign in again with a code
            </button>
          </div>
        </>
      ) : null}
    </AuthPanel>
  );
}
