/**
 * Bulk import of accounts from a CSV file. The file goes to POST /api/v1/accounts/import as it is;
 * the answer streams back one line per row, which drives the progress bar, then a summary. The
 * report (every row, with one-time passwords for the new accounts) can be downloaded as CSV.
 */
import { useEffect, useMemo, useRef, useState } from 'react';
import { csrfToken, plainWords } from '../api';
import { ErrorSummary, Notice } from '../components/ui';

interface RowResult {
  type: 'row';
  line: number;
  address: string | null;
  ok: boolean;
  error?: string;
  oneTimePassword?: string;
}
interface Summary {
  type: 'summary';
  rows: number;
  created: number;
  failed: number;
}

const cell = (v: string | number | null | undefined) => `"${String(v ?? '').replace(/"/g, '""')}"`;

function reportCsv(rows: RowResult[]): string {
  const lines = [['line', 'address', 'result', 'reason', 'one-time password'].join(',')];
  for (const r of rows) lines.push([r.line, cell(r.address), r.ok ? 'created' : 'refused', cell(r.error), cell(r.oneTimePassword)].join(','));
  return `${lines.join('\r\n')}\r\n`;
}

/** Data rows in a CSV text (lines after the header that are not blank); quoted line breaks are rare in staff lists. */
const countRows = (text: string) => Math.max(0, text.split(/\r?\n/).filter((l) => l.trim()).length - 1);

export function Import() {
  const input = useRef<HTMLInputElement>(null);
  const [file, setFile] = useState<{ name: string; text: string; rows: number } | null>(null);
  const [running, setRunning] = useState(false);
  const [rows, setRows] = useState<RowResult[]>([]);
  const [summary, setSummary] = useState<Summary | null>(null);
  const [error, setError] = useState<string | null>(null);

  const choose = async (f: File | undefined) => {
    setRows([]);
    setSummary(null);
    setError(null);
    if (!f) return setFile(null);
    const text = await f.text();
    setFile({ name: f.name, text, rows: countRows(text) });
  };

  const run = async () => {
    if (!file) return setError('Choose a CSV file first.');
    setRunning(true);
    setRows([]);
    setSummary(null);
    setError(null);
    try {
      const res = await fetch('/api/v1/accounts/import', { method: 'POST', credentials: 'same-origin', headers: { 'content-type': 'text/csv', 'x-csrf-token': csrfToken() ?? '' }, body: file.text });
      if (!res.ok || !res.body) {
        const body = (await res.json().catch(() => ({}))) as { message?: string };
        throw new Error(body.message ?? `The server answered with status ${res.status}.`);
      }
      const reader = res.body.pipeThrough(new TextDecoderStream()).getReader();
      let buffered = '';
      const seen: RowResult[] = [];
      for (;;) {
        const { value, done } = await reader.read();
        if (done) break;
        buffered += value;
        const lines = buffered.split('\n');
        buffered = lines.pop() ?? '';
        for (const line of lines.filter(Boolean)) {
          const msg = JSON.parse(line) as RowResult | Summary | { type: 'error'; message: string };
          if (msg.type === 'row') seen.push(msg);
          else if (msg.type === 'summary') setSummary(msg);
          else setError(`The import stopped: ${msg.message}`);
        }
        setRows([...seen]);
      }
    } catch (err) {
      setError(plainWords(err));
    } finally {
      setRunning(false);
    }
  };

  const done = rows.length;
  const total = Math.max(file?.rows ?? 0, done);
  const failed = rows.filter((r) => !r.ok);
  const report = useMemo(() => (summary ? URL.createObjectURL(new Blob([reportCsv(rows)], { type: 'text/csv' })) : null), [summary, rows]);
  useEffect(() => () => void (report && URL.revokeObjectURL(report)), [report]);

  return (
    <>
      <h1 className="page-title">Import accounts</h1>
      <p className="lede">Create many staff accounts at once from a spreadsheet saved as CSV. Each row is checked on its own: good rows are created, and rows with a problem are listed with the reason so you can fix and import them again.</p>
      <div className="card">
        <h2 className="card__title">The file</h2>
        <p>
          A header row, then one person per row. Columns: <code>address</code>, <code>name</code>, <code>org</code> (the organisation's short name), and if you like <code>role</code>, <code>quota</code>, <code>mobile</code>, <code>job_title</code>. Everyone gets a one-time password that they must change when they first sign in.
        </p>
        <div className="field">
          <label className="field__label" htmlFor="import-file">
            CSV file
          </label>
          <input id="import-file" ref={input} className="input" type="file" accept=".csv,text/csv" onChange={(e) => void choose(e.target.files?.[0])} disabled={running} />
          {file ? <p className="field__hint">{`${file.name}: ${file.rows === 1 ? '1 row' : `${file.rows} rows`}`}</p> : null}
        </div>
        <div className="actions">
          <button className="button" type="button" onClick={() => void run()} disabled={running || !file}>
            {running ? 'Importing…' : 'Import accounts'}
          </button>
        </div>
      </div>
      <ErrorSummary error={error} />
      {running || done ? (
        <section className="card" aria-labelledby="import-progress">
          <h2 id="import-progress" className="card__title">
            Progress
          </h2>
          <progress className="progress" max={total || 1} value={done} aria-label="Rows imported" data-testid="import-progress" />
          <p aria-live="polite">{`${done} of ${total} rows done`}</p>
        </section>
      ) : null}
      {summary ? (
        <section className="card" aria-labelledby="import-summary">
          <h2 id="import-summary" className="card__title">
            Summary
          </h2>
          <Notice kind={summary.failed ? 'warning' : 'success'} title={`${summary.created} created, ${summary.failed} not created`}>
            <span data-testid="import-summary">{`${summary.created} of ${summary.rows} rows created.`}</span> Download the report to pass each person their one-time password; it is not shown again.
          </Notice>
          <div className="actions">
            <a className="button button--secondary" href={report ?? '#'} download="account-import-report.csv">
              Download report (CSV)
            </a>
          </div>
          {failed.length ? (
            <div className="table-wrap">
              <table className="table table--compact" data-testid="import-failures">
                <caption>Rows not created</caption>
                <thead>
                  <tr>
                    <th scope="col">Line</th>
                    <th scope="col">Address</th>
                    <th scope="col">Reason</th>
                  </tr>
                </thead>
                <tbody>
                  {failed.map((r) => (
                    <tr key={r.line}>
                      <td>{r.line}</td>
                      <td>{r.address ?? '—'}</td>
                      <td>{plainWords(r.error ?? '')}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          ) : null}
        </section>
      ) : null}
    </>
  );
}
