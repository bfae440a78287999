/**
 * An account's other addresses (aliases): mail to any of them arrives in the same mailbox, and the
 * person may send from them. Giving out an address is the organisation's business, so only its
 * administrators change these (the API checks scope in core, as for every change).
 */
import { useState, type FormEvent } from 'react';
import { api, enc, plainWords, type Account } from '../api';
import { ErrorSummary, Field, Notice } from '../components/ui';

export function AccountAliases({ account, onChange }: { account: Account; onChange: (a: Account) => void }) {
  const [alias, setAlias] = useState('');
  const [problem, setProblem] = useState<string | null>(null);
  const [done, setDone] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const path = `/api/v1/accounts/${enc(account.address)}/aliases`;

  const run = async (fn: () => Promise<Account>, said: string) => {
    setProblem(null);
    setDone(null);
    setBusy(true);
    try {
      onChange(await fn());
      setDone(said);
      return true;
    } catch (err) {
      setProblem(plainWords(err));
      return false;
    } finally {
      setBusy(false);
    }
  };
  const add = async (e: FormEvent) => {
    e.preventDefault();
    const a = alias.trim().toLowerCase();
    if (!a) return setProblem('Enter the address to add, for example j.smith@your-trust.nhs.example.');
    if (await run(() => api<Account>('POST', path, { alias: a }), `Mail to ${a} now reaches ${account.displayName}.`)) setAlias('');
  };

  return (
    <section className="card" aria-labelledby="aliases-h">
      <h2 className="card__title" id="aliases-h">
        Other addresses
      </h2>
      {done ? <Notice kind="success">{done}</Notice> : null}
      <ErrorSummary error={problem} />
      {account.aliases.length === 0 ? (
        <p>Only {account.address} reaches this mailbox.</p>
      ) : (
        <ul className="plain-list" aria-label={`Other addresses of ${account.displayName}`}>
          {account.aliases.map((a) => (
            <li key={a}>
              <span className="mono">{a}</span>{' '}
              <button type="button" className="button button--small button--warning" disabled={busy} onClick={() => void run(() => api<Account>('DELETE', `${path}/${enc(a)}`), `${a} no longer reaches ${account.displayName}.`)}>
                Remove {a}
              </button>
            </li>
          ))}
        </ul>
      )}
      <form onSubmit={(e) => void add(e)} noValidate className="inline-form" aria-label="New address">
        <Field label="Add an address" hint="In a domain of this organisation or the national domain" value={alias} onChange={(e) => setAlias(e.target.value)} />
        <button className="button" type="submit" disabled={busy}>
          Add address
        </button>
      </form>
    </section>
  );
}
