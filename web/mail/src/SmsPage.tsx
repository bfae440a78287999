/**
 * Text messages (SMS) from the web client, over the REST API (/api/v1/sms): one text now or later
 * with its encoding and number of parts shown as you type (the server's own count, so what you see
 * is what is charged), a mail-merge send to many from pasted CSV, and the texts you sent with their
 * delivery receipts. Replies from phones arrive as mail in the inbox, threaded to the text.
 */
import { useCallback, useEffect, useState, type FormEvent } from 'react';
import { plainWords, requestJson } from '../../shared/http';
import { DataTable, ErrorSummary, Field, Notice, SubmitRow, TextArea } from '../../shared/ui';
import { fromLocalInput } from './format';

interface Preview {
  encoding: 'gsm7' | 'ucs2';
  parts: number;
  units: number;
  remaining: number;
  nonGsm: string[];
}

interface Sms {
  id: number;
  to: string;
  body: string;
  parts: number;
  status: 'queued' | 'sent' | 'delivered' | 'failed' | 'expired' | 'cancelled';
  lastError: string | null;
  scheduledFor: string | null;
  createdAt: string;
  sentAt: string | null;
  finishedAt: string | null;
}

interface BulkResult {
  queued: number;
  parts: number;
  skipped: { row: number; to: string; reason: string }[];
}

const STATUS_WORDS: Record<Sms['status'], string> = {
  queued: 'Waiting to send',
  sent: 'Sent, no receipt yet',
  delivered: 'Delivered',
  failed: 'Not delivered',
  expired: 'Expired',
  cancelled: 'Cancelled',
};

const when = (iso: string | null) => (iso ? new Date(iso).toLocaleString('en-GB', { dateStyle: 'medium', timeStyle: 'short' }) : '');

/** "160 characters, 1 text" and why a message is Unicode, in words. */
export function describePreview(p: Preview): string {
  const texts = `${p.parts} text${p.parts === 1 ? '' : 's'}`;
  const kind = p.encoding === 'ucs2' ? ` · Unicode because of ${p.nonGsm.slice(0, 5).join(' ')} (fewer characters per text)` : '';
  return `${p.units} character${p.units === 1 ? '' : 's'} · ${texts} · ${p.remaining} left in this text${kind}`;
}

export function SmsPage({ csrf }: { csrf: string | null }) {
  const [to, setTo] = useState('');
  const [body, setBody] = useState('');
  const [sendAt, setSendAt] = useState('');
  const [preview, setPreview] = useState<Preview | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const [sent, setSent] = useState<Sms[] | null>(null);
  const [listError, setListError] = useState<string | null>(null);
  const [csv, setCsv] = useState('');
  const [template, setTemplate] = useState('');
  const [bulk, setBulk] = useState<BulkResult | null>(null);
  const [bulkError, setBulkError] = useState<string | null>(null);

  const load = useCallback(async () => {
    try {
      setSent((await requestJson<{ items: Sms[] }>('GET', '/api/v1/sms?limit=50', undefined, csrf)).items);
      setListError(null);
    } catch (err) {
      setListError(plainWords(err));
    }
  }, [csrf]);

  useEffect(() => {
    void load();
  }, [load]);

  // Receipts come in over the next seconds: look again while anything is still on its way.
  const pending = (sent ?? []).some((s) => s.status === 'queued' || s.status === 'sent');
  useEffect(() => {
    if (!pending) return;
    const t = setInterval(() => void load(), 3000);
    return () => clearInterval(t);
  }, [pending, load]);

  // The server counts (GSM 03.38 septets or UCS-2 units), a moment after typing stops.
  useEffect(() => {
    if (!body) return setPreview(null);
    const t = setTimeout(() => {
      requestJson<Preview>('POST', '/api/v1/sms/preview', { body }, csrf).then(setPreview, () => setPreview(null));
    }, 200);
    return () => clearTimeout(t);
  }, [body, csrf]);

  /** One change at a time: the buttons wait, the list is re-read after, a failure is said in plain words. */
  const busyWhile = async (work: () => Promise<void>, fail: (message: string) => void) => {
    setBusy(true);
    try {
      await work();
      await load();
    } catch (err) {
      fail(plainWords(err));
    } finally {
      setBusy(false);
    }
  };

  const send = async (e: FormEvent) => {
    e.preventDefault();
    setError(null);
    setNotice(null);
    if (!to.trim()) return setError('Enter the mobile number to send to, for example 07700 900123.');
    if (!body.trim()) return setError('Write the message.');
    await busyWhile(async () => {
      const at = fromLocalInput(sendAt);
      const r = await requestJson<Sms>('POST', '/api/v1/sms', { to: to.trim(), body, ...(at ? { sendAt: at } : {}) }, csrf);
      setNotice(at && r.scheduledFor ? `Your text to ${r.to} will be sent ${when(r.scheduledFor)}.` : `Your text to ${r.to} is on its way.`);
      setBody('');
      setSendAt('');
    }, setError);
  };

  const sendBulk = async (e: FormEvent) => {
    e.preventDefault();
    setBulk(null);
    setBulkError(null);
    if (!csv.trim()) return setBulkError('Paste the recipients: a heading row such as "mobile,name,date,clinic", then one row per person.');
    if (!template.trim()) return setBulkError('Write the message, using {{name}}, {{date}} or {{clinic}} where each person’s details go.');
    await busyWhile(async () => setBulk(await requestJson<BulkResult>('POST', '/api/v1/sms/bulk', { csv, template }, csrf)), setBulkError);
  };

  const cancel = (s: Sms) =>
    busyWhile(async () => {
      await requestJson('DELETE', `/api/v1/sms/${s.id}`, undefined, csrf);
      setNotice(`The text to ${s.to} is cancelled.`);
    }, setError);

  return (
    <div className="settings sms">
      <h1 className="page-title">Text messages</h1>
      <p className="lede">Send a text message (SMS) to a patient or a colleague’s mobile. Replies arrive in your inbox.</p>
      {notice ? <Notice kind="success">{notice}</Notice> : null}
      <form onSubmit={send} noValidate aria-label="Send a text message">
        <ErrorSummary error={error} />
        <Field label="Mobile number" hint="For example 07700 900123 or +44 7700 900123" inputMode="tel" autoComplete="off" value={to} onChange={(e) => setTo(e.target.value)} />
        <div className="field">
          <label className="field__label" htmlFor="sms-body">
            Message
          </label>
          <textarea id="sms-body" className="input" rows={5} maxLength={2000} aria-describedby="sms-count" value={body} onChange={(e) => setBody(e.target.value)} />
          <p id="sms-count" className="field__hint" aria-live="polite">
            {preview ? describePreview(preview) : 'A text holds 160 characters; longer messages are sent as several texts.'}
          </p>
        </div>
        <Field label="Send later (optional)" type="datetime-local" value={sendAt} onChange={(e) => setSendAt(e.target.value)} />
        <SubmitRow label={sendAt ? 'Schedule text' : 'Send text'} disabled={busy} />
      </form>

      <details className="sms__bulk">
        <summary>Send to many people (mail merge)</summary>
        <form onSubmit={sendBulk} noValidate aria-label="Send to many people">
          <ErrorSummary error={bulkError} />
          <TextArea id="sms-csv" label="Recipients" hint="A heading row, then one person per row: mobile,name,date,clinic" rows={5} value={csv} placeholder={'mobile,name,date,clinic\n07700 900123,Ann Jones,Mon 1 Dec 09:30,Riverside Surgery'} onChange={setCsv} />
          <TextArea id="sms-template" label="Message to everyone" hint="{{name}}, {{date}} and {{clinic}} are replaced by each person’s details" rows={3} value={template} placeholder="Hello {{name}}, your appointment at {{clinic}} is on {{date}}." onChange={setTemplate} />
          <SubmitRow label="Send to everyone listed" secondary disabled={busy} />
          {bulk ? (
            <Notice kind={bulk.skipped.length ? 'warning' : 'success'} title={`${bulk.queued} text${bulk.queued === 1 ? '' : 's'} queued (${bulk.parts} part${bulk.parts === 1 ? '' : 's'})`}>
              {bulk.skipped.length ? (
                <ul>
                  {bulk.skipped.map((s) => (
                    <li key={s.row}>
                      Row {s.row} ({s.to || 'no number'}): {s.reason}
                    </li>
                  ))}
                </ul>
              ) : (
                'Every row was queued.'
              )}
            </Notice>
          ) : null}
        </form>
      </details>

      <h2 className="sms__heading">Texts you sent</h2>
      <ErrorSummary error={listError} />
      {sent === null ? (
        <p role="status">Loading your texts…</p>
      ) : sent.length === 0 ? (
        <p>You have not sent any texts yet.</p>
      ) : (
        <DataTable className="sms__table" caption="Texts you sent, newest first" columns={['To', 'Message', 'Texts', 'Status', 'When']}>
            {sent.map((s) => (
              <tr key={s.id} data-sms-id={s.id}>
                <td>{s.to}</td>
                <td className="sms__body">{s.body}</td>
                <td>{s.parts}</td>
                <td>
                  <span className={`sms__status sms__status--${s.status}`}>{STATUS_WORDS[s.status]}</span>
                  {s.lastError && s.status !== 'delivered' ? <span className="sms__error">{s.lastError}</span> : null}
                </td>
                <td>{s.status === 'queued' && s.scheduledFor && Date.parse(s.scheduledFor) > Date.now() ? `Scheduled for ${when(s.scheduledFor)}` : when(s.finishedAt ?? s.sentAt ?? s.createdAt)}</td>
                <td>
                  {s.status === 'queued' ? (
                    <button type="button" className="button button--small button--secondary" onClick={() => void cancel(s)} aria-label={`Cancel the text to ${s.to}`}>
                      Cancel
                    </button>
                  ) : null}
                </td>
              </tr>
            ))}
        </DataTable>
      )}
    </div>
  );
}
