/**
 * The national directory from webmail: results as you type (GET /api/v1/directory/search, prefix and
 * typo-tolerant), in the whole country, the user's own organisation or one chosen from the tree
 * (GET /api/v1/directory/organisations), more results page by page, and one entry in full with
 * "Write email", which opens compose addressed to them.
 */
import { useEffect, useState } from 'react';
import { plainWords } from '../../shared/http';
import { ErrorSummary } from '../../shared/ui';
import { getEntry, listOrganisations, searchDirectory, type DirEntry, type DirOrganisation } from './directory';
import { DirectoryEntryPanel } from './DirectoryEntry';
import type { EmailAddress } from './jmap/types';
import { useDebounced } from './useDebounced';

const PAGE = 20;

type Results = { phase: 'idle' } | { phase: 'searching' } | { phase: 'failed'; error: string } | { phase: 'done'; total: number; entries: DirEntry[] };

const matches = (n: number) => `${n.toLocaleString('en-GB')} match${n === 1 ? '' : 'es'}`;

/** What a result says under the name: job title, then where they work. */
const resultDetail = (e: DirEntry) => [e.jobTitle, e.org?.name, e.department, e.site].filter(Boolean).join(' · ');

export function DirectoryPage({ org, canWrite, onWrite }: { org: { slug: string; name: string }; canWrite: boolean; onWrite: (to: EmailAddress) => void }) {
  const [text, setText] = useState('');
  const [scope, setScope] = useState('');
  const [orgs, setOrgs] = useState<DirOrganisation[]>([]);
  const [results, setResults] = useState<Results>({ phase: 'idle' });
  const [more, setMore] = useState<{ busy: boolean; error: string | null }>({ busy: false, error: null });
  const [attempt, setAttempt] = useState(0);
  const [selected, setSelected] = useState<{ id: number; entry: DirEntry | null; error: string | null } | null>(null);
  const q = useDebounced(text.trim(), 150);

  // The organisation tree for the scope; without it the page still offers country and own organisation.
  useEffect(() => {
    listOrganisations().then(setOrgs, () => setOrgs([]));
  }, []);

  // Words, or an organisation to list: one search, the latest one winning.
  useEffect(() => {
    if (!q && !scope) return setResults({ phase: 'idle' });
    let live = true;
    setResults({ phase: 'searching' });
    setMore({ busy: false, error: null });
    searchDirectory({ q, org: scope || undefined, limit: PAGE }).then(
      (r) => live && setResults({ phase: 'done', total: r.total, entries: r.entries }),
      (err: unknown) => live && setResults({ phase: 'failed', error: plainWords(err) }),
    );
    return () => {
      live = false;
    };
  }, [q, scope, attempt]);

  const loadMore = async () => {
    if (results.phase !== 'done') return;
    setMore({ busy: true, error: null });
    try {
      const r = await searchDirectory({ q, org: scope || undefined, limit: PAGE, offset: results.entries.length });
      setResults({ phase: 'done', total: r.total, entries: [...results.entries, ...r.entries] });
      setMore({ busy: false, error: null });
    } catch (err) {
      setMore({ busy: false, error: `More results could not be loaded: ${plainWords(err)} Press "More results" to try again.` });
    }
  };

  const open = (id: number) => {
    setSelected({ id, entry: null, error: null });
    getEntry(id).then(
      (entry) => setSelected((s) => (s?.id === id ? { id, entry, error: null } : s)),
      (err: unknown) => setSelected((s) => (s?.id === id ? { id, entry: null, error: `${plainWords(err)} Choose it again in the results, or search again if it has been removed.` } : s)),
    );
  };

  const where = scope === '' ? 'the whole country' : scope === org.slug ? org.name : (orgs.find((o) => o.slug === scope)?.name ?? scope);
  const status =
    results.phase === 'searching'
      ? 'Searching…'
      : results.phase === 'done'
        ? results.total
          ? `${matches(results.total)} in ${where}${q ? ` for “${q}”` : ''}`
          : `No one found${q ? ` for “${q}”` : ''} in ${where}. Check the spelling, type fewer letters, or search the whole country.`
        : results.phase === 'idle'
          ? 'Type a name, job title or department to search.'
          : '';
  const others = orgs.filter((o) => o.slug !== org.slug).sort((a, b) => a.name.localeCompare(b.name, 'en-GB'));

  return (
    <div className="directory">
      <h1 className="page-title">Directory</h1>
      <p className="lede">Find a colleague anywhere in the health service: their phone, bleep and email.</p>
      <form className="directory__search" role="search" aria-label="Directory" onSubmit={(e) => e.preventDefault()}>
        <div className="field directory__query">
          <label className="field__label" htmlFor="directory-q">
            Name, job title or department
          </label>
          <p className="field__hint" id="directory-q-hint">
            The start of each word is enough: “smi jo” finds John Smith.
          </p>
          <input id="directory-q" className="input" type="search" autoComplete="off" autoFocus aria-describedby="directory-q-hint" value={text} onChange={(e) => setText(e.target.value)} />
        </div>
        <div className="field directory__scope">
          <label className="field__label" htmlFor="directory-scope">
            Search in
          </label>
          <select id="directory-scope" className="input" value={scope} onChange={(e) => setScope(e.target.value)}>
            <option value="">Whole country</option>
            <option value={org.slug}>My organisation ({org.name})</option>
            {others.length ? (
              <optgroup label="Another organisation">
                {others.map((o) => (
                  <option key={o.id} value={o.slug}>
                    {o.name}
                  </option>
                ))}
              </optgroup>
            ) : null}
          </select>
        </div>
      </form>
      <p className="directory__status" role="status" aria-live="polite">
        {status}
      </p>
      {results.phase === 'failed' ? (
        <div>
          <ErrorSummary title="The directory could not be searched" error={`${results.error} Check your connection and press "Try again"; if it keeps failing, call the IT service desk.`} />
          <button type="button" className="button button--secondary" onClick={() => setAttempt((a) => a + 1)}>
            Try again
          </button>
        </div>
      ) : null}
      <div className="directory__body">
        {results.phase === 'done' && results.entries.length ? (
          <div>
            <ul className="directory__results" aria-label="Directory results">
              {results.entries.map((e) => (
                <li key={e.id}>
                  <button type="button" className="directory__result" aria-current={selected?.id === e.id ? 'true' : undefined} onClick={() => open(e.id)}>
                    <strong className="directory__result-name">{e.displayName}</strong>
                    <span className="directory__result-detail">{resultDetail(e)}</span>
                  </button>
                </li>
              ))}
            </ul>
            {more.error ? <p className="field__error" role="alert">{more.error}</p> : null}
            {results.entries.length < results.total ? (
              <div className="actions">
                <button type="button" className="button button--secondary" disabled={more.busy} onClick={() => void loadMore()}>
                  More results
                </button>
                <span className="muted">
                  Showing {results.entries.length} of {results.total.toLocaleString('en-GB')}
                </span>
              </div>
            ) : null}
          </div>
        ) : null}
        {selected ? (
          selected.entry ? (
            <DirectoryEntryPanel entry={selected.entry} canWrite={canWrite} onWrite={onWrite} />
          ) : selected.error ? (
            <ErrorSummary title="This entry could not be opened" error={selected.error} />
          ) : (
            <p role="status">Opening the entry…</p>
          )
        ) : null}
      </div>
    </div>
  );
}
