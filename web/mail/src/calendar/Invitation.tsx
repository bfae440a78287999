/**
 * A meeting invitation in the reading pane: when a message carries an iCalendar REQUEST (iMIP,
 * RFC 6047), say what and when, and answer it here (accept, maybe, decline) through the calendar
 * API, which updates your calendar and tells the organiser.
 */
import { useEffect, useState } from 'react';
import { plainWords } from '../../../shared/http';
import { calendarApi } from './api';

interface Parsed {
  uid: string;
  summary: string;
  start: string | null;
}

/** METHOD, UID, SUMMARY and DTSTART of an iCalendar text (unfolded), enough for the banner. */
export function readInvitation(ics: string): (Parsed & { method: string }) | null {
  const text = ics.replace(/\r?\n[ \t]/g, '');
  const prop = (name: string) => new RegExp(`^${name}(?:;[^:\\r\\n]*)?:(.*)$`, 'mi').exec(text)?.[1]?.trim() ?? null;
  const method = prop('METHOD');
  const uid = prop('UID');
  if (!method || !uid) return null;
  const dt = prop('DTSTART');
  const m = dt && /^(\d{4})(\d{2})(\d{2})(?:T(\d{2})(\d{2})(\d{2})(Z)?)?$/.exec(dt);
  const start = m ? (m[4] ? new Date(m[7] ? Date.UTC(+m[1]!, +m[2]! - 1, +m[3]!, +m[4], +m[5]!, +m[6]!) : new Date(+m[1]!, +m[2]! - 1, +m[3]!, +m[4], +m[5]!, +m[6]!).getTime()) : new Date(+m[1]!, +m[2]! - 1, +m[3]!)).toLocaleString('en-GB', { dateStyle: 'full', timeStyle: m[4] ? 'short' : undefined }) : null;
  return { method: method.toUpperCase(), uid, summary: (prop('SUMMARY') ?? '').replace(/\\([,;\\])/g, '$1').replace(/\\n/gi, ' '), start };
}

export function Invitation({ url, csrf }: { url: string; csrf: string | null }) {
  const [inv, setInv] = useState<Parsed | null>(null);
  const [answer, setAnswer] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);

  useEffect(() => {
    let live = true;
    fetch(url, { credentials: 'same-origin' })
      .then((r) => (r.ok ? r.text() : ''))
      .then((t) => {
        const p = readInvitation(t);
        if (live && p?.method === 'REQUEST') setInv(p);
      })
      .catch(() => undefined);
    return () => {
      live = false;
    };
  }, [url]);

  if (!inv) return null;
  const respond = async (partstat: 'ACCEPTED' | 'TENTATIVE' | 'DECLINED', said: string) => {
    setError(null);
    try {
      await calendarApi.respond(inv.uid, partstat, csrf);
      setAnswer(said);
    } catch (e) {
      setError(plainWords(e));
    }
  };
  return (
    <section className="invitation" aria-label="Meeting invitation">
      <p className="invitation__what">
        <strong>Invitation:</strong> {inv.summary || 'a meeting'}
        {inv.start ? `, ${inv.start}` : ''}
      </p>
      {answer ? (
        <p role="status">{answer}</p>
      ) : (
        <div className="invitation__actions">
          <button type="button" className="button button--small" onClick={() => void respond('ACCEPTED', 'You accepted. It is in your calendar and the organiser has been told.')}>
            Accept
          </button>
          <button type="button" className="button button--small button--secondary" onClick={() => void respond('TENTATIVE', 'You said maybe. The organiser has been told.')}>
            Maybe
          </button>
          <button type="button" className="button button--small button--secondary" onClick={() => void respond('DECLINED', 'You declined. The organiser has been told.')}>
            Decline
          </button>
        </div>
      )}
      {error ? <p role="alert">{error}</p> : null}
    </section>
  );
}
