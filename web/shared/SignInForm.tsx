import { useEffect, useRef, useState, type FormEvent, type ReactNode } from 'react';
import { ApiError, plainWords, requestJson } from './http';
import { AuthPanel, ErrorSummary, Field, Notice } from './ui';

export interface SignedIn<A> {
  account: A;
  csrf: string;
}

/**
 * Sign-in in two steps (POST /api/v1/auth/login): address and password, then, when the API asks
 * for it, the 6-digit code from the authenticator app or one of the recovery codes.
 */
export function SignInForm<A>({ title, footer, onSignedIn, initialAddress = '', notice }: { title: string; footer: ReactNode; onSignedIn: (s: SignedIn<A>) => void; initialAddress?: string; notice?: string | null }) {
  const [address, setAddress] = useState(initialAddress);
  const [password, setPassword] = useState('');
  const [code, setCode] = useState('');
  const [needCode, setNeedCode] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const codeRef = useRef<HTMLInputElement>(null);
  const firstRef = useRef<HTMLInputElement>(null);

  useEffect(() => {
    (needCode ? codeRef : firstRef).current?.focus();
  }, [needCode]);

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setError(null);
    if (!address.trim() || !password) {
      setError('Enter your email address and password.');
      return;
    }
    if (needCode && !code.trim()) {
      setError('Enter the 6-digit code from your authenticator app.');
      return;
    }
    setBusy(true);
    try {
      const r = await requestJson<SignedIn<A>>('POST', '/api/v1/auth/login', { address: address.trim(), password, ...(needCode ? { code: code.replace(/\s+/g, '') } : {}) }, null);
      onSignedIn(r);
    } catch (err) {
      if (err instanceof ApiError && err.status === 401 && /6-digit code/i.test(err.message) && !needCode) {
        setNeedCode(true);
      } else {
        setError(plainWords(err));
        if (needCode) setCode('');
      }
    } finally {
      setBusy(false);
    }
  };

  return (
    <AuthPanel>
      <h1 className="signin__title">{needCode ? 'Enter your security code' : title}</h1>
      {notice ? <Notice kind="success">{notice}</Notice> : null}
      <ErrorSummary error={error} />
      <form onSubmit={submit} noValidate>
        {!needCode ? (
          <>
            <Field ref={firstRef} label="Email address" name="address" type="email" autoComplete="username" value={address} onChange={(e) => setAddress(e.target.value)} />
            <Field label="Password" name="password" type="password" autoComplete="current-password" value={password} onChange={(e) => setPassword(e.target.value)} />
          </>
        ) : (
          <>
            <p className="lede">
              Open the authenticator app on your phone and enter the 6-digit code shown for <strong>{address}</strong>. If you have lost your phone, enter one of your recovery codes.
            </p>
            <Field
              ref={codeRef}
              label="Security code"
              hint="6 digits, or a 10-character recovery code"
              name="code"
              inputMode="numeric"
              autoComplete="one-time-code"
              className="input input--code"
              value={code}
              onChange={(e) => setCode(e.target.value)}
            />
          </>
        )}
        <div className="actions">
          <button className="button" type="submit" disabled={busy}>
            {busy ? 'Signing in…' : needCode ? 'Continue' : 'Sign in'}
          </button>
          {needCode ? (
            <button
              className="button button--secondary"
              type="button"
              onClick={() => {
                setNeedCode(false);
                setCode('');
                setError(null);
              }}
            >
              Back
            </button>
          ) : null}
        </div>
      </form>
      <p className="signin__footer">{footer}</p>
    </AuthPanel>
  );
}
