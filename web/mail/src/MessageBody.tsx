/**
 * One message's body in the reading pane. HTML goes through safeMailHtml into a sandboxed frame
 * (no allow-scripts: nothing in a message can run); remote images wait for "Show images".
 * Plain text is shown as text, with web links made clickable.
 */
import { useEffect, useMemo, useRef, useState } from 'react';
import type { JmapClient } from './jmap/client';
import type { Email } from './jmap/types';
import { formatBytes, people } from './format';
import { safeMailHtml } from './safe-html';
import { Invitation } from './calendar/Invitation';

function linkify(text: string) {
  const out: (string | React.JSX.Element)[] = [];
  const re = /\bhttps?:\/\/[^\s<>"')\]]+/g;
  let last = 0;
  for (let m = re.exec(text); m; m = re.exec(text)) {
    out.push(text.slice(last, m.index));
    out.push(
      <a key={m.index} href={m[0]} target="_blank" rel="noopener noreferrer">
        {m[0]}
      </a>,
    );
    last = m.index + m[0].length;
  }
  out.push(text.slice(last));
  return out;
}

/** The text of a message's body parts (RFC 8621 section 4.1.4: textBody / htmlBody lists). */
export function bodyText(e: Email, kind: 'text' | 'html'): string | null {
  const parts = kind === 'html' ? e.htmlBody : e.textBody;
  const want = kind === 'html' ? 'text/html' : 'text/plain';
  const values = (parts ?? []).filter((p) => p.type === want && p.partId && e.bodyValues?.[p.partId]).map((p) => e.bodyValues![p.partId!]!.value);
  return values.length ? values.join('\n') : null;
}

function HtmlFrame({ html, title, inline }: { html: string; title: string; inline: Record<string, string> }) {
  const [allowRemote, setAllowRemote] = useState(false);
  const safe = useMemo(() => safeMailHtml(html, { allowRemote, inline }), [html, allowRemote, inline]);
  const frame = useRef<HTMLIFrameElement>(null);
  const [height, setHeight] = useState(200);

  // The frame shares our origin (allow-same-origin, never allow-scripts) only so that its height
  // can follow its content; nothing inside it can run code.
  useEffect(() => {
    const el = frame.current;
    if (!el) return;
    let ro: ResizeObserver | null = null;
    const fit = () => {
      const doc = el.contentDocument;
      if (!doc?.documentElement) return;
      setHeight(Math.min(Math.max(doc.documentElement.scrollHeight, 60), 20000));
      ro?.disconnect();
      ro = new ResizeObserver(() => setHeight(Math.min(Math.max(doc.documentElement.scrollHeight, 60), 20000)));
      ro.observe(doc.documentElement);
    };
    el.addEventListener('load', fit);
    return () => {
      el.removeEventListener('load', fit);
      ro?.disconnect();
    };
  }, [safe.doc]);

  return (
    <>
      {safe.blocked > 0 && !allowRemote ? (
        <div className="images-blocked" role="status">
          <span>To protect your privacy, {safe.blocked === 1 ? '1 remote image was' : `${safe.blocked} remote images were`} not loaded.</span>
          <button type="button" className="button button--small button--secondary" onClick={() => setAllowRemote(true)}>
            Show images
          </button>
        </div>
      ) : null}
      <iframe ref={frame} className="html-frame" title={title} sandbox="allow-same-origin allow-popups allow-popups-to-escape-sandbox" srcDoc={safe.doc} style={{ height }} referrerPolicy="no-referrer" />
    </>
  );
}

export function MessageBody({ email, client, accountId }: { email: Email; client: JmapClient; accountId: string }) {
  const html = bodyText(email, 'html');
  const text = bodyText(email, 'text');
  // Inline images (cid:) come from our own download URL, never from the network.
  const inline = useMemo(() => {
    const map: Record<string, string> = {};
    for (const a of [...(email.attachments ?? []), ...(email.htmlBody ?? [])]) {
      if (a.cid && a.blobId) map[a.cid.replace(/^<|>$/g, '')] = client.downloadUrl(accountId, a.blobId, a.name ?? 'image', a.type);
    }
    return map;
  }, [email, client, accountId]);
  const files = (email.attachments ?? []).filter((a) => a.blobId && !(a.cid && a.disposition === 'inline'));
  // A meeting invitation (iMIP) travels as a text/calendar part: answer it here.
  const ics = [...(email.attachments ?? []), ...(email.textBody ?? [])].find((p) => p.type === 'text/calendar' && p.blobId);
  return (
    <div className="body">
      {ics ? <Invitation url={client.downloadUrl(accountId, ics.blobId!, ics.name ?? 'invite.ics', 'text/calendar')} csrf={client.csrf} /> : null}
      {html !== null && email.htmlBody?.some((p) => p.type === 'text/html') ? (
        <HtmlFrame html={html} inline={inline} title={`Message from ${people(email.from) || 'unknown sender'}: ${email.subject ?? ''}`} />
      ) : (
        <div className="text-body">{linkify(text ?? email.preview ?? '')}</div>
      )}
      {files.length ? (
        <section className="attachments" aria-label="Attachments">
          <h3 className="attachments__title">
            {files.length} attachment{files.length > 1 ? 's' : ''}
          </h3>
          <ul>
            {files.map((a) => (
              <li key={`${a.blobId}-${a.partId}`}>
                <a href={client.downloadUrl(accountId, a.blobId!, a.name ?? 'attachment', a.type)} download={a.name ?? 'attachment'}>
                  {a.name ?? 'attachment'}
                </a>{' '}
                <span className="muted">
                  ({a.type}, {formatBytes(a.size)})
                </span>
              </li>
            ))}
          </ul>
        </section>
      ) : null}
    </div>
  );
}
