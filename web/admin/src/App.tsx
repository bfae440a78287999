import { useCallback, useEffect, useState } from 'react';
import { api, csrfToken, isAdminRole, ROLE_LABEL, setCsrfToken, type AccountSummary, type Me } from './api';
import { Link, Loading } from './components/ui';
import { navigate, useRoute } from './router';
import { AccountDetail } from './screens/AccountDetail';
import { Accounts } from './screens/Accounts';
import { Audit } from './screens/Audit';
import { Dashboard } from './screens/Dashboard';
import { Enrol } from './screens/Enrol';
import { Import } from './screens/Import';
import { Password } from './screens/Password';
import { Orgs } from './screens/Orgs';
import { Lists } from './screens/Lists';
import { Webhooks } from './screens/Webhooks';
import { SharedMailboxes } from './screens/SharedMailboxes';
import { SignIn } from './screens/SignIn';

type State = { phase: 'loading' } | { phase: 'signed-out'; address?: string; notice?: string } | { phase: 'enrol'; me: Me } | { phase: 'not-admin'; me: Me } | { phase: 'ready'; me: Me };

const NAV = [
  { to: '/', label: 'Overview' },
  { to: '/accounts', label: 'Accounts' },
  { to: '/import', label: 'Import' },
  { to: '/shared', label: 'Shared mailboxes' },
  { to: '/lists', label: 'Lists' },
  { to: '/webhooks', label: 'Webhooks' },
  { to: '/orgs', label: 'Organisations' },
  { to: '/audit', label: 'Audit log' },
  { to: '/password', label: 'Your password' },
];

export function App() {
  const [state, setState] = useState<State>({ phase: 'loading' });
  const route = useRoute();

  const check = useCallback(async () => {
    // Without this tab's CSRF token the session cannot change anything: sign in afresh.
    if (!csrfToken()) return setState({ phase: 'signed-out' });
    try {
      const me = await api<Me>('GET', '/api/v1/auth/me');
      if (!isAdminRole(me.account.role)) setState({ phase: 'not-admin', me });
      else if (!me.mfa) setState({ phase: 'enrol', me });
      else setState({ phase: 'ready', me });
    } catch {
      setCsrfToken(null);
      setState({ phase: 'signed-out' });
    }
  }, []);

  useEffect(() => {
    void check();
  }, [check]);

  const signOut = async (next: { address?: string; notice?: string } = {}) => {
    try {
      await api('POST', '/api/v1/auth/logout');
    } catch {
      // the session may already be gone; signing out locally is what matters
    }
    setCsrfToken(null);
    setState({ phase: 'signed-out', ...next });
  };

  if (state.phase === 'loading') return <Loading what="Wardpost administration" />;
  if (state.phase === 'signed-out') return <SignIn initialAddress={state.address} notice={state.notice} onSignedIn={(_a: AccountSummary) => void check()} />;
  if (state.phase === 'enrol')
    return (
      <Enrol
        account={state.me.account}
        onSignOut={() => void signOut()}
        onDone={() => void signOut({ address: state.me.account.address, notice: 'Two-step sign-in is on. Sign in again with your password and a code from your app.' })}
      />
    );
  if (state.phase === 'not-admin') {
    return (
      <main className="signin" id="main">
        <div className="signin__panel">
          <h1 className="signin__title">This portal is for administrators</h1>
          <p className="lede">You are signed in as {state.me.account.address}, which does not administer an organisation. Use webmail for your own mail and settings.</p>
          <div className="actions">
            <a className="button" href="/">
              Go to webmail
            </a>
            <button className="button button--secondary" type="button" onClick={() => void signOut()}>
              Sign out
            </button>
          </div>
        </div>
      </main>
    );
  }

  const me = state.me.account;
  const path = route.split('?')[0] ?? '/';
  const accountMatch = /^\/accounts\/(.+)$/.exec(path);
  let screen;
  // A one-time password must be changed before anything else (the API refuses the rest meanwhile).
  if (me.mustChangePassword) screen = <Password forced onChanged={() => void check()} />;
  else if (path === '/' || path === '') screen = <Dashboard />;
  else if (path === '/import') screen = <Import />;
  else if (path === '/password') screen = <Password forced={false} onChanged={() => undefined} />;
  else if (path === '/accounts') screen = <Accounts />;
  else if (accountMatch) screen = <AccountDetail key={accountMatch[1]} address={decodeURIComponent(accountMatch[1]!)} me={me} />;
  else if (path === '/orgs') screen = <Orgs />;
  else if (path === '/shared') screen = <SharedMailboxes />;
  else if (path === '/lists') screen = <Lists />;
  else if (path === '/webhooks') screen = <Webhooks />;
  else if (path === '/audit') screen = <Audit />;
  else
    screen = (
      <>
        <h1 className="page-title">Page not found</h1>
        <p>
          There is nothing at this address. <Link to="/">Go to the overview</Link>.
        </p>
      </>
    );
  const section = accountMatch ? '/accounts' : path;

  return (
    <>
      <a className="skip-link" href="#main">
        Skip to main content
      </a>
      <header className="header">
        <div className="header__inner">
          <a
            className="brand"
            href="/admin/"
            onClick={(e) => {
              e.preventDefault();
              navigate('/');
            }}
          >
            <span className="brand__mark" aria-hidden="true">
              W
            </span>
            <span className="brand__name">Wardpost</span>
            <span className="brand__service">Administration</span>
          </a>
          <div className="header__account">
            <span className="header__who">
              <strong>{me.displayName}</strong>
              <span>
                {ROLE_LABEL[me.role] ?? me.role} · {me.org.name}
              </span>
            </span>
            <button className="button button--header" type="button" onClick={() => void signOut()}>
              Sign out
            </button>
          </div>
        </div>
        <nav className="nav" aria-label="Main">
          <ul className="nav__list">
            {NAV.map((n) => (
              <li key={n.to}>
                <Link to={n.to} className="nav__link" aria-current={section === n.to ? 'page' : undefined}>
                  {n.label}
                </Link>
              </li>
            ))}
          </ul>
        </nav>
      </header>
      <main className="main" id="main" tabIndex={-1}>
        {screen}
      </main>
      <footer className="footer">
        <p>Wardpost administration · every change is recorded in the audit log with your name and address.</p>
      </footer>
    </>
  );
}

