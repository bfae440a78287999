/**
 * Create or change an event: title, day and times (or all day), place, notes, invitees picked from
 * the national directory (the same picker as mail), and a repeat rule. Saving invites the people
 * (the server schedules, as for any calendar program); deleting tells them it is cancelled.
 */
import { useEffect, useState, type FormEvent } from 'react';
import { plainWords } from '../../../shared/http';
import { ErrorSummary, Field, SubmitRow, TextArea } from '../../../shared/ui';
import { AddressField } from '../AddressField';
import type { EmailAddress } from '../jmap/types';
import { calendarApi, type CalendarInfo, type EventData, type StoredEvent, type Weekday } from './api';

const DAYS: { code: Weekday; label: string }[] = [
  { code: 'MO', label: 'Mon' },
  { code: 'TU', label: 'Tue' },
  { code: 'WE', label: 'Wed' },
  { code: 'TH', label: 'Thu' },
  { code: 'FR', label: 'Fri' },
  { code: 'SA', label: 'Sat' },
  { code: 'SU', label: 'Sun' },
];

const pad = (n: number) => String(n).padStart(2, '0');
const dateInput = (d: Date) => `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}`;
const timeInput = (d: Date) => `${pad(d.getHours())}:${pad(d.getMinutes())}`;
/** Local date + time fields to an instant. */
const at = (date: string, time: string) => new Date(`${date}T${time || '00:00'}:00`);
/** An all-day event's day as midnight UTC (how the API carries dates). */
const utcDay = (date: string, plusDays = 0) => new Date(Date.parse(`${date}T00:00:00Z`) + plusDays * 86_400_000);

export interface EditorTarget {
  calendar: CalendarInfo;
  /** The stored event being changed, or a new one starting here. */
  existing: StoredEvent | null;
  start: Date;
}

export function EventEditor({ target, writable, csrf, onClose }: { target: EditorTarget; writable: CalendarInfo[]; csrf: string | null; onClose: (changed: boolean, message?: string) => void }) {
  const e = target.existing;
  const start0 = e ? new Date(e.start) : target.start;
  const end0 = e ? new Date(e.end) : new Date(target.start.getTime() + 30 * 60_000);
  const [calendar, setCalendar] = useState(`${target.calendar.owner}/${target.calendar.path}`);
  const [title, setTitle] = useState(e?.title ?? '');
  const [allDay, setAllDay] = useState(e?.allDay ?? false);
  const [date, setDate] = useState(e?.allDay ? e.start.slice(0, 10) : dateInput(start0));
  const [from, setFrom] = useState(timeInput(start0));
  const [to, setTo] = useState(timeInput(end0));
  const [location, setLocation] = useState(e?.location ?? '');
  const [description, setDescription] = useState(e?.description ?? '');
  const [isPrivate, setPrivate] = useState(e?.private ?? false);
  const [people, setPeople] = useState<EmailAddress[]>((e?.attendees ?? []).map((email) => ({ name: null, email })));
  const [freq, setFreq] = useState<'' | 'DAILY' | 'WEEKLY' | 'MONTHLY'>(e?.repeat?.freq ?? '');
  const [byDay, setByDay] = useState<Weekday[]>(e?.repeat?.byDay ?? []);
  const [count, setCount] = useState(e?.repeat?.count ? String(e.repeat.count) : '');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  useEffect(() => {
    const k = (ev: KeyboardEvent) => ev.key === 'Escape' && onClose(false);
    window.addEventListener('keydown', k);
    return () => window.removeEventListener('keydown', k);
  }, [onClose]);

  const cal = writable.find((c) => `${c.owner}/${c.path}` === calendar) ?? target.calendar;

  const save = async (ev: FormEvent) => {
    ev.preventDefault();
    setError(null);
    const startAt = allDay ? utcDay(date) : at(date, from);
    const endAt = allDay ? utcDay(date, 1) : at(date, to);
    if (!title.trim()) return setError('Give the event a title.');
    if (!allDay && !(endAt > startAt)) return setError('The end time must be after the start time.');
    const data: EventData = {
      title,
      start: startAt.toISOString(),
      end: endAt.toISOString(),
      allDay,
      location: location || null,
      description: description || null,
      private: isPrivate,
      attendees: people.map((p) => p.email),
      repeat: freq ? { freq, interval: 1, byDay: freq === 'WEEKLY' ? byDay : [], count: count ? Number(count) : null, until: null } : null,
    };
    setBusy(true);
    try {
      const name = e?.name ?? `${crypto.randomUUID()}.ics`;
      await calendarApi.save(cal, name, { ...data, ...(e ? { ifMatch: e.etag } : {}) }, csrf);
      onClose(true, people.length ? `${title.trim()} is saved and ${people.length} ${people.length === 1 ? 'person is' : 'people are'} invited.` : `${title.trim()} is saved.`);
    } catch (err) {
      setError(plainWords(err));
    } finally {
      setBusy(false);
    }
  };

  const remove = async () => {
    if (!e) return;
    setBusy(true);
    try {
      await calendarApi.remove(cal, e.name, csrf);
      onClose(true, `${e.title} is deleted${e.attendees.length ? '; the people invited are told it is cancelled' : ''}.`);
    } catch (err) {
      setError(plainWords(err));
      setBusy(false);
    }
  };

  return (
    <div className="overlay" onClick={() => onClose(false)}>
      <section className="dialog event-editor" role="dialog" aria-modal="true" aria-labelledby="event-editor-title" onClick={(x) => x.stopPropagation()}>
        <h2 id="event-editor-title">{e ? 'Change event' : 'New event'}</h2>
        <form onSubmit={save} noValidate>
          <ErrorSummary error={error} />
          {writable.length > 1 && !e ? (
            <div className="field">
              <label className="field__label" htmlFor="event-calendar">
                Calendar
              </label>
              <select id="event-calendar" className="input" value={calendar} onChange={(x) => setCalendar(x.target.value)}>
                {writable.map((c) => (
                  <option key={`${c.owner}/${c.path}`} value={`${c.owner}/${c.path}`}>
                    {c.displayName} ({c.owner})
                  </option>
                ))}
              </select>
            </div>
          ) : null}
          <Field label="Title" value={title} autoFocus onChange={(x) => setTitle(x.target.value)} />
          <div className="event-editor__when">
            <Field label="Date" type="date" value={date} onChange={(x) => setDate(x.target.value)} />
            {allDay ? null : (
              <>
                <Field label="Starts" type="time" value={from} onChange={(x) => setFrom(x.target.value)} />
                <Field label="Ends" type="time" value={to} onChange={(x) => setTo(x.target.value)} />
              </>
            )}
          </div>
          <div className="field field--check">
            <input id="event-all-day" type="checkbox" checked={allDay} onChange={(x) => setAllDay(x.target.checked)} />
            <label htmlFor="event-all-day">All day</label>
          </div>
          <Field label="Location" value={location} onChange={(x) => setLocation(x.target.value)} />
          <AddressField label="Invite" value={people} onChange={setPeople} />
          <fieldset className="event-editor__repeat">
            <legend>Repeat</legend>
            <label className="visually-hidden" htmlFor="event-repeat">
              How often
            </label>
            <select id="event-repeat" className="input input--small" value={freq} onChange={(x) => setFreq(x.target.value as typeof freq)}>
              <option value="">Does not repeat</option>
              <option value="DAILY">Every day</option>
              <option value="WEEKLY">Every week</option>
              <option value="MONTHLY">Every month</option>
            </select>
            {freq === 'WEEKLY' ? (
              <span className="event-editor__days" role="group" aria-label="On these days">
                {DAYS.map((d) => (
                  <label key={d.code}>
                    <input type="checkbox" checked={byDay.includes(d.code)} onChange={(x) => setByDay(x.target.checked ? [...byDay, d.code] : byDay.filter((b) => b !== d.code))} /> {d.label}
                  </label>
                ))}
              </span>
            ) : null}
            {freq ? <Field label="Times (leave empty for no end)" type="number" min={1} max={1000} value={count} onChange={(x) => setCount(x.target.value)} /> : null}
          </fieldset>
          <TextArea id="event-notes" label="Notes" rows={3} value={description} onChange={setDescription} />
          <label className="event-editor__private">
            <input type="checkbox" checked={isPrivate} onChange={(x) => setPrivate(x.target.checked)} aria-describedby="event-private-hint" /> Private
          </label>
          <p id="event-private-hint" className="field__hint">
            People you share this calendar with see only that the time is taken; your delegates see everything.
          </p>
          <div className="event-editor__actions">
            <SubmitRow label={people.length ? 'Save and send invitations' : 'Save'} disabled={busy} />
            {e ? (
              <button type="button" className="button button--secondary" disabled={busy} onClick={() => void remove()}>
                Delete event
              </button>
            ) : null}
            <button type="button" className="button button--secondary" onClick={() => onClose(false)}>
              Cancel
            </button>
          </div>
        </form>
      </section>
    </div>
  );
}
