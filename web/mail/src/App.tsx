import { useCallback, useEffect, useState } from 'react';
import { ApiError, plainWords, requestJson } from '../../shared/http';
import { SignInForm } from '../../shared/SignInForm';
import { AuthPanel, Loading } from '../../shared/ui';
import { JmapClient } from './jmap/client';
import { MailApp } from './MailApp';

export interface Me {
  account: { id: number; address: string; displayName: string; role: string; org: { slug: string; name: string }; mustChangePassword: boolean };
  mfa: boolean;
  csrf?: string;
}

type State = { phase: 'loading' } | { phase: 'signed-out'; notice?: string } | { phase: 'failed'; error: string } | { phase: 'ready'; me: Me; client: JmapClient };

/**
 * Webmail: the session cookie from sign-in (REST /api/v1/auth) authenticates JMAP too; /auth/me
 * gives this session's CSRF token back after a reload, so a signed-in tab survives F5.
 */
export function App() {
  const [state, setState] = useState<State>({ phase: 'loading' });

  const start = useCallback(async () => {
    try {
      const me = await requestJson<Me>('GET', '/api/v1/auth/me', undefined, null);
      if (!me.csrf) return setState({ phase: 'signed-out' });
      // Only once signed in: a JMAP request without a session is answered with a Basic challenge,
      // which would put the browser's own password prompt in front of sign-in.
      const session = await JmapClient.fetchSession();
      setState({ phase: 'ready', me, client: new JmapClient(session, me.csrf) });
    } catch (err) {
      if (err instanceof ApiError && err.status === 401) setState({ phase: 'signed-out' });
      else setState({ phase: 'failed', error: plainWords(err) });
    }
  }, []);

  useEffect(() => {
    void start();
  }, [start]);

  const signOut = async (csrf: string | undefined) => {
    try {
      await requestJson('POST', '/api/v1/auth/logout', undefined, csrf ?? null);
    } catch {
      // the session may already be gone; signing out here is what matters
    }
    setState({ phase: 'signed-out', notice: 'You have signed out. Close the browser if this is a shared computer.' });
  };

  if (state.phase === 'loading') return <Loading what="your mail" />;
  if (state.phase === 'signed-out')
    return <SignInForm title="Sign in to your mail" notice={state.notice} footer="Wardpost mail for staff of the national health service." onSignedIn={() => void start()} />;
  if (state.phase === 'failed') {
    return (
      <AuthPanel>
        <h1 className="signin__title">Your mail could not be opened</h1>
        <p role="alert">{state.error}</p>
        <button className="button" type="button" onClick={() => void start()}>
          Try again
        </button>
      </AuthPanel>
    );
  }
  return <MailApp me={state.me} client={state.client} onSignOut={() => void signOut(state.me.csrf)} />;
}
