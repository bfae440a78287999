import { useState, type FormEvent } from 'react';
import { api, enc, formatBytes, formatDate, plainWords, ROLE_LABEL, type Account, type AccountSummary } from '../api';
import { ErrorSummary, Field, Link, Loading, Meter, Notice, StatusTag } from '../components/ui';
import { useLoad } from '../useLoad';
import { GrantsEditor } from '../components/GrantsEditor';
import { AccountAliases } from './AccountAliases';

export function AccountDetail({ address, me }: { address: string; me: AccountSummary }) {
  const { data: account, setData, error: loadError, loading } = useLoad(() => api<Account>('GET', `/api/v1/accounts/${enc(address)}`), [address]);
  const [error, setError] = useState<string | null>(null);
  const [done, setDone] = useState<string | null>(null);
  const [otp, setOtp] = useState<string | null>(null);
  const [busy, setBusy] = useState<string | null>(null);
  const [quota, setQuota] = useState('');
  const [quotaError, setQuotaError] = useState<string | null>(null);
  const [confirming, setConfirming] = useState<'suspend' | 'reset' | null>(null);

  if (loading && !account) return <Loading what="the account" />;
  if (loadError || !account) {
    return (
      <>
        <p className="back">
          <Link to="/accounts">← All accounts</Link>
        </p>
        <h1 className="page-title">Account not available</h1>
        <ErrorSummary error={loadError} title="This account cannot be shown" />
        <p>You can only see accounts of the organisations you administer. If this person has moved, ask an administrator of their new organisation.</p>
      </>
    );
  }

  const run = async (label: string, fn: () => Promise<void>) => {
    setError(null);
    setDone(null);
    setBusy(label);
    try {
      await fn();
    } catch (err) {
      setError(plainWords(err));
    } finally {
      setBusy(null);
      setConfirming(null);
    }
  };
  const path = `/api/v1/accounts/${enc(account.address)}`;
  const self = account.id === me.id;

  const setStatus = (verb: 'suspend' | 'restore') =>
    run(verb, async () => {
      setData(await api<Account>('POST', `${path}/${verb}`));
      setDone(verb === 'suspend' ? `${account.displayName} is suspended and can no longer sign in.` : `${account.displayName} can sign in again.`);
    });
  const reset = () =>
    run('reset', async () => {
      setOtp(null);
      const r = await api<{ oneTimePassword: string }>('POST', `${path}/reset-password`);
      setOtp(r.oneTimePassword);
      setData({ ...account, mustChangePassword: true });
    });
  const unlock = () =>
    run('unlock', async () => {
      await api<Account>('POST', `${path}/unlock`);
      setDone(`Failed sign-in attempts for ${account.displayName} have been cleared.`);
    });
  const changeQuota = (e: FormEvent) => {
    e.preventDefault();
    setQuotaError(null);
    const v = quota.trim();
    if (!v) {
      setQuotaError('Enter a size such as 500M, 2G or 10G (0 means no limit).');
      return;
    }
    void run('quota', async () => {
      const a = await api<Account>('PUT', `${path}/quota`, { quota: v });
      setData(a);
      setQuota('');
      setDone(`Mailbox size for ${a.displayName} is now ${a.quotaBytes === 0 ? 'unlimited' : formatBytes(a.quotaBytes)}.`);
    });
  };

  return (
    <>
      <p className="back">
        <Link to="/accounts">← All accounts</Link>
      </p>
      <div className="page-head">
        <div>
          <h1 className="page-title">{account.displayName}</h1>
          <p className="lede mono">{account.address}</p>
        </div>
        <StatusTag status={account.status} />
      </div>
      <ErrorSummary error={error} />
      {done ? (
        <Notice kind="success" title="Done">
          {done}
        </Notice>
      ) : null}
      {otp ? (
        <Notice kind="warning" title="One-time password">
          <p>Give this password to {account.displayName} in person or by phone. It is shown only once, and they must choose a new password when they next sign in.</p>
          <p className="otp">
            <code data-testid="one-time-password">{otp}</code>
          </p>
          <button className="button button--secondary button--small" type="button" onClick={() => setOtp(null)}>
            I have passed it on: hide it
          </button>
        </Notice>
      ) : null}

      <div className="grid-2 grid-2--detail">
        <section className="card" aria-labelledby="details-h">
          <h2 className="card__title" id="details-h">
            Details
          </h2>
          <dl className="summary-list">
            <div>
              <dt>Organisation</dt>
              <dd>{account.org.name}</dd>
            </div>
            <div>
              <dt>Role</dt>
              <dd>{ROLE_LABEL[account.role] ?? account.role}</dd>
            </div>
            <div>
              <dt>Job title</dt>
              <dd>{account.jobTitle ?? '—'}</dd>
            </div>
            <div>
              <dt>Mobile</dt>
              <dd>{account.mobile ?? '—'}</dd>
            </div>
            <div>
              <dt>Other addresses</dt>
              <dd className="mono">{account.aliases.length ? account.aliases.join(', ') : '—'}</dd>
            </div>
            <div>
              <dt>Password</dt>
              <dd>{account.mustChangePassword ? 'One-time password: must be changed at next sign-in' : 'Set by the member of staff'}</dd>
            </div>
            <div>
              <dt>Created</dt>
              <dd>{formatDate(account.createdAt)}</dd>
            </div>
          </dl>
        </section>

        <section className="card" aria-labelledby="mailbox-h">
          <h2 className="card__title" id="mailbox-h">
            Mailbox size
          </h2>
          <p className="big-number" data-testid="quota">
            {formatBytes(account.usedBytes)} <span className="muted">used of</span> {account.quotaBytes === 0 ? 'no limit' : formatBytes(account.quotaBytes)}
          </p>
          <Meter used={account.usedBytes} total={account.quotaBytes} label="Mailbox used" />
          <form onSubmit={changeQuota} noValidate className="inline-form">
            <Field label="New mailbox size" hint="For example 500M, 2G or 10G" name="quota" value={quota} error={quotaError} onChange={(e) => setQuota(e.target.value)} />
            <button className="button" type="submit" disabled={busy !== null}>
              {busy === 'quota' ? 'Saving…' : 'Change size'}
            </button>
          </form>
        </section>
      </div>

      <section className="card" aria-labelledby="actions-h">
        <h2 className="card__title" id="actions-h">
          Access
        </h2>
        <div className="action-rows">
          <div className="action-row">
            <div>
              <h3>Reset password</h3>
              <p className="muted">Sets a one-time password and signs them out everywhere. Use when someone has forgotten their password.</p>
            </div>
            {confirming === 'reset' ? (
              <div className="confirm" role="group" aria-label="Confirm password reset">
                <span>Reset the password of {account.displayName}?</span>
                <button className="button button--warning" type="button" onClick={reset} disabled={busy !== null}>
                  {busy === 'reset' ? 'Resetting…' : 'Yes, reset password'}
                </button>
                <button className="button button--secondary" type="button" onClick={() => setConfirming(null)}>
                  Cancel
                </button>
              </div>
            ) : (
              <button className="button button--secondary" type="button" onClick={() => setConfirming('reset')} disabled={busy !== null || self}>
                Reset password
              </button>
            )}
          </div>
          <div className="action-row">
            <div>
              <h3>Clear failed sign-ins</h3>
              <p className="muted">Lets someone who was locked out after too many wrong passwords try again straight away.</p>
            </div>
            <button className="button button--secondary" type="button" onClick={unlock} disabled={busy !== null}>
              {busy === 'unlock' ? 'Clearing…' : 'Clear failed sign-ins'}
            </button>
          </div>
          <div className="action-row">
            <div>
              <h3>{account.status === 'suspended' ? 'Restore account' : 'Suspend account'}</h3>
              <p className="muted">
                {account.status === 'suspended' ? 'Lets them sign in again. Their mail was kept while suspended.' : 'Stops them signing in anywhere, for example while on long leave or after leaving. Mail keeps arriving and is kept.'}
              </p>
            </div>
            {account.status === 'suspended' ? (
              <button className="button" type="button" onClick={() => setStatus('restore')} disabled={busy !== null}>
                {busy === 'restore' ? 'Restoring…' : 'Restore account'}
              </button>
            ) : confirming === 'suspend' ? (
              <div className="confirm" role="group" aria-label="Confirm suspension">
                <span>Suspend {account.displayName}?</span>
                <button className="button button--warning" type="button" onClick={() => setStatus('suspend')} disabled={busy !== null}>
                  {busy === 'suspend' ? 'Suspending…' : 'Yes, suspend'}
                </button>
                <button className="button button--secondary" type="button" onClick={() => setConfirming(null)}>
                  Cancel
                </button>
              </div>
            ) : (
              <button className="button button--secondary" type="button" onClick={() => setConfirming('suspend')} disabled={busy !== null || self}>
                Suspend account
              </button>
            )}
          </div>
        </div>
      </section>

      <AccountAliases account={account} onChange={setData} />
      <GrantsEditor
        base={`${path}/delegates`}
        owner={account.address}
        calendar
        words={{ title: 'Delegates', caption: `Delegates of ${account.displayName} and their access`, none: `No one works in ${account.displayName}'s mailbox or calendar on their behalf.`, add: 'Add a delegate', addButton: 'Add delegate', person: 'Delegate', formLabel: 'New delegate', sendAs: `May send as ${account.displayName}`, sendOnBehalf: `May send on behalf of ${account.displayName}` }}
      />
    </>
  );
}
