/**
 * Writing a message: from (any Identity this user may send as: own, shared mailbox, on behalf of
 * a delegator), recipients with the directory picker, attachments uploaded as they are chosen
 * (with progress), the draft saved by itself a moment after each change, and Send.
 */
import { useCallback, useEffect, useId, useRef, useState } from 'react';
import { plainWords } from '../../shared/http';
import { ErrorSummary } from '../../shared/ui';
import { AddressField } from './AddressField';
import { formatBytes } from './format';
import type { JmapClient } from './jmap/client';
import { saveDraft, sendMessage, type Attachment, type Draft } from './jmap/mail';
import type { EmailAddress, Identity } from './jmap/types';

export interface ComposeInit {
  to: EmailAddress[];
  cc: EmailAddress[];
  subject: string;
  text: string;
  attachments: Attachment[];
  inReplyTo: string[] | null;
  references: string[] | null;
  title: string;
}

/** An attachment being uploaded (blobId once the server has it). */
interface Upload extends Omit<Attachment, 'blobId'> {
  key: number;
  progress: number;
  blobId: string | null;
  error: string | null;
}

const AUTOSAVE_MS = 1500;

interface Props {
  client: JmapClient;
  accountId: string;
  identities: Identity[];
  mailboxes: { drafts: string; sent: string } | null;
  init: ComposeInit;
  onClose: (outcome: 'sent' | 'kept' | 'discarded') => void;
}

export function Compose({ client, accountId, identities, mailboxes, init, onClose }: Props) {
  const id = useId();
  const [identityId, setIdentityId] = useState(identities[0]?.id ?? '');
  const [to, setTo] = useState(init.to);
  const [cc, setCc] = useState(init.cc);
  const [bcc, setBcc] = useState<EmailAddress[]>([]);
  const [subject, setSubject] = useState(init.subject);
  const [text, setText] = useState(init.text);
  const [uploads, setUploads] = useState<Upload[]>(init.attachments.map((a, i) => ({ key: -1 - i, name: a.name, size: a.size, type: a.type, progress: 1, blobId: a.blobId, error: null })));
  const [error, setError] = useState<string | null>(null);
  const [status, setStatus] = useState('');
  const [sending, setSending] = useState(false);
  const [dirty, setDirty] = useState(0);
  const draftId = useRef<string | null>(null);
  const saving = useRef<Promise<void>>(Promise.resolve());
  const uploadKey = useRef(0);
  const sent = useRef(false);

  const draft = useCallback((): Draft | null => {
    const identity = identities.find((i) => i.id === identityId);
    if (!identity) return null;
    const attachments = uploads.filter((u) => u.blobId).map((u) => ({ blobId: u.blobId!, name: u.name, type: u.type, size: u.size }));
    return { identity, to, cc, bcc, subject, text, attachments, inReplyTo: init.inReplyTo, references: init.references };
  }, [identities, identityId, uploads, to, cc, bcc, subject, text, init.inReplyTo, init.references]);

  const changed = () => setDirty((d) => d + 1);

  // Autosave: a moment after the last change, one save at a time, replacing the previous draft.
  useEffect(() => {
    if (!dirty || !mailboxes) return;
    const t = setTimeout(() => {
      const d = draft();
      if (!d || sent.current) return;
      saving.current = saving.current.then(async () => {
        if (sent.current) return;
        try {
          draftId.current = await saveDraft(client, accountId, d, mailboxes.drafts, draftId.current);
          setStatus(`Draft saved at ${new Date().toLocaleTimeString('en-GB', { hour: '2-digit', minute: '2-digit' })}`);
        } catch (err) {
          setStatus(`The draft could not be saved: ${plainWords(err)}`);
        }
      });
    }, AUTOSAVE_MS);
    return () => clearTimeout(t);
  }, [dirty, draft, client, accountId, mailboxes]);

  const attach = (files: FileList | null) => {
    for (const file of Array.from(files ?? [])) {
      const key = ++uploadKey.current;
      setUploads((u) => [...u, { key, name: file.name, size: file.size, type: file.type || 'application/octet-stream', progress: 0, blobId: null, error: null }]);
      const set = (patch: Partial<Upload>) => setUploads((list) => list.map((u) => (u.key === key ? { ...u, ...patch } : u)));
      client.upload(accountId, file, (progress) => set({ progress })).then(
        (r) => {
          set({ blobId: r.blobId, progress: 1 });
          changed();
        },
        (err: unknown) => set({ error: plainWords(err) }),
      );
    }
  };

  const send = async () => {
    setError(null);
    const d = draft();
    if (!d) return setError('Choose who the message is from.');
    if (!to.length && !cc.length && !bcc.length) return setError('Add at least one recipient.');
    if (uploads.some((u) => !u.blobId && !u.error)) return setError('Wait for the attachments to finish uploading.');
    if (!mailboxes) return setError('Your Drafts and Sent folders could not be found, so the message cannot be sent.');
    setSending(true);
    sent.current = true;
    try {
      await saving.current;
      await sendMessage(client, accountId, d, mailboxes, draftId.current);
      onClose('sent');
    } catch (err) {
      sent.current = false;
      setError(plainWords(err));
      setSending(false);
    }
  };

  const discard = async () => {
    sent.current = true;
    await saving.current;
    if (draftId.current) await client.call('Email/set', { accountId, destroy: [draftId.current] }).catch(() => undefined);
    onClose('discarded');
  };

  return (
    <section
      className="compose"
      role="dialog"
      aria-modal="false"
      aria-labelledby={`${id}-title`}
      onKeyDown={(e) => {
        if (e.key === 'Escape') onClose('kept');
        if (e.key === 'Enter' && (e.ctrlKey || e.metaKey)) void send();
      }}
    >
      <h2 className="compose__title" id={`${id}-title`}>
        {init.title}
      </h2>
      <ErrorSummary error={error} />
      <form
        onSubmit={(e) => {
          e.preventDefault();
          void send();
        }}
        onChange={changed}
      >
        <div className="field">
          <label className="field__label" htmlFor={`${id}-from`}>
            From
          </label>
          <select id={`${id}-from`} className="input" value={identityId} onChange={(e) => setIdentityId(e.target.value)}>
            {identities.map((i) => (
              <option key={i.id} value={i.id}>
                {i.name ? `${i.name} <${i.email}>` : i.email}
              </option>
            ))}
          </select>
        </div>
        <AddressField label="To" value={to} onChange={(v) => (setTo(v), changed())} autoFocus={!init.to.length} />
        <AddressField label="Cc" value={cc} onChange={(v) => (setCc(v), changed())} />
        <AddressField label="Bcc" value={bcc} onChange={(v) => (setBcc(v), changed())} />
        <div className="field">
          <label className="field__label" htmlFor={`${id}-subject`}>
            Subject
          </label>
          <input id={`${id}-subject`} className="input" value={subject} onChange={(e) => setSubject(e.target.value)} />
        </div>
        <div className="field">
          <label className="field__label" htmlFor={`${id}-body`}>
            Message
          </label>
          <textarea id={`${id}-body`} className="input compose__body" value={text} onChange={(e) => setText(e.target.value)} autoFocus={!!init.to.length} rows={12} />
        </div>
        <div className="field">
          <label className="field__label" htmlFor={`${id}-files`}>
            Attach files
          </label>
          <input id={`${id}-files`} type="file" multiple onChange={(e) => (attach(e.target.files), (e.target.value = ''))} />
          {uploads.length ? (
            <ul className="uploads" aria-label="Attachments">
              {uploads.map((u) => (
                <li key={u.key} className="upload">
                  <span className="upload__name">{u.name}</span> <span className="muted">{formatBytes(u.size)}</span>
                  {u.error ? (
                    <span className="upload__error" role="alert">
                      {u.error}
                    </span>
                  ) : (
                    <progress max={1} value={u.progress} aria-label={`Uploading ${u.name}`}>
                      {Math.round(u.progress * 100)}%
                    </progress>
                  )}
                  <span className="visually-hidden">{u.blobId ? 'uploaded' : `${Math.round(u.progress * 100)}% uploaded`}</span>
                  <button type="button" className="button button--small button--secondary" aria-label={`Remove ${u.name}`} onClick={() => (setUploads((l) => l.filter((x) => x.key !== u.key)), changed())}>
                    Remove
                  </button>
                </li>
              ))}
            </ul>
          ) : null}
        </div>
        <div className="actions">
          <button type="submit" className="button" disabled={sending}>
            {sending ? 'Sending…' : 'Send'}
          </button>
          <button type="button" className="button button--secondary" onClick={() => onClose('kept')}>
            Close and keep draft
          </button>
          <button type="button" className="button button--warning" onClick={() => void discard()}>
            Discard
          </button>
          <span className="compose__status" role="status" aria-live="polite">
            {status}
          </span>
        </div>
      </form>
    </section>
  );
}
