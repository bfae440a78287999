/**
 * The web calendar: day, week and month views of your calendars with those shared with you laid
 * over them (a colour each, each can be hidden), today / previous / next, and an editor for new and
 * existing events. Data comes from the calendar REST API (recurrence expanded by the server).
 */
import { useCallback, useEffect, useMemo, useRef, useState, type CSSProperties } from 'react';
import { plainWords } from '../../../shared/http';
import { ErrorSummary, Notice } from '../../../shared/ui';
import { addDays, calendarApi, sameDay, startOfWeek, type AgendaItem, type CalendarInfo } from './api';
import { EventEditor, type EditorTarget } from './EventEditor';

type View = 'day' | 'week' | 'month';
const PALETTE = ['#005eb8', '#007f3b', '#8a1538', '#6f2c91', '#b35900', '#00677f'];
const HOUR_PX = 44;
const key = (c: { owner: string; path: string }) => `${c.owner}/${c.path}`;
const timeOf = (d: Date) => d.toLocaleTimeString('en-GB', { hour: '2-digit', minute: '2-digit' });

interface Placed extends AgendaItem {
  calendar: CalendarInfo;
  color: string;
  s: Date;
  e: Date;
}

function range(view: View, anchor: Date): { start: Date; end: Date; days: Date[] } {
  if (view === 'day') {
    const s = new Date(anchor.getFullYear(), anchor.getMonth(), anchor.getDate());
    return { start: s, end: addDays(s, 1), days: [s] };
  }
  if (view === 'week') {
    const s = startOfWeek(anchor);
    return { start: s, end: addDays(s, 7), days: Array.from({ length: 7 }, (_, i) => addDays(s, i)) };
  }
  const first = new Date(anchor.getFullYear(), anchor.getMonth(), 1);
  const s = startOfWeek(first);
  return { start: s, end: addDays(s, 42), days: Array.from({ length: 42 }, (_, i) => addDays(s, i)) };
}

export function CalendarPage({ csrf, me }: { csrf: string | null; me: string }) {
  const [view, setView] = useState<View>('week');
  const [anchor, setAnchor] = useState(() => new Date());
  const [calendars, setCalendars] = useState<CalendarInfo[] | null>(null);
  const [hidden, setHidden] = useState<Set<string>>(new Set());
  const [items, setItems] = useState<Placed[]>([]);
  const [error, setError] = useState<string | null>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const [editor, setEditor] = useState<EditorTarget | null>(null);
  const [tick, setTick] = useState(0);
  const grid = useRef<HTMLDivElement>(null);

  useEffect(() => {
    calendarApi.calendars().then(setCalendars, (e: unknown) => setError(plainWords(e)));
  }, []);

  const colors = useMemo(() => new Map((calendars ?? []).map((c, i) => [key(c), c.color ?? PALETTE[i % PALETTE.length]!])), [calendars]);
  const { start, end, days } = range(view, anchor);
  const startMs = start.getTime();
  const endMs = end.getTime();

  useEffect(() => {
    if (!calendars) return;
    let live = true;
    const shown = calendars.filter((c) => !hidden.has(key(c)) && c.rights.includes('r'));
    Promise.all(shown.map(async (c) => (await calendarApi.agenda(c, new Date(startMs), new Date(endMs))).map((i) => ({ ...i, calendar: c, color: colors.get(key(c))!, s: new Date(i.start), e: new Date(i.end) })))).then(
      (lists) => live && (setItems(lists.flat().sort((a, b) => a.s.getTime() - b.s.getTime())), setError(null)),
      (e: unknown) => live && setError(plainWords(e)),
    );
    return () => {
      live = false;
    };
  }, [calendars, hidden, colors, startMs, endMs, tick]);

  // The working day first: the time grid opens scrolled to 07:00.
  useEffect(() => {
    if (grid.current) grid.current.scrollTop = 7 * HOUR_PX;
  }, [view]);

  const writable = (calendars ?? []).filter((c) => c.rights.includes('i') || c.owner === me);
  const own = writable.find((c) => c.owner === me && c.path === 'default') ?? writable[0];
  const openNew = (at: Date) => own && setEditor({ calendar: own, existing: null, start: at });
  const openItem = useCallback(
    async (i: Placed) => {
      try {
        setEditor({ calendar: i.calendar, existing: await calendarApi.event(i.calendar, i.objectName), start: i.s });
      } catch (e) {
        setError(plainWords(e));
      }
    },
    [setEditor],
  );
  const move = (n: number) => setAnchor(view === 'month' ? new Date(anchor.getFullYear(), anchor.getMonth() + n, 1) : addDays(anchor, n * (view === 'week' ? 7 : 1)));
  const title =
    view === 'month'
      ? anchor.toLocaleDateString('en-GB', { month: 'long', year: 'numeric' })
      : view === 'week'
        ? `Week of ${days[0]!.toLocaleDateString('en-GB', { day: 'numeric', month: 'long', year: 'numeric' })}`
        : anchor.toLocaleDateString('en-GB', { weekday: 'long', day: 'numeric', month: 'long', year: 'numeric' });
  const chip = (i: Placed, style?: CSSProperties) => (
    <button
      key={`${i.calendar.owner}/${i.objectName}/${i.recurrenceId ?? ''}`}
      type="button"
      className={`cal-event${i.status === 'CANCELLED' ? ' cal-event--cancelled' : ''}`}
      style={{ borderLeftColor: i.color, ...style }}
      onClick={() => void openItem(i)}
      aria-label={`${i.summary}, ${i.allDay ? 'all day' : `${timeOf(i.s)} to ${timeOf(i.e)}`}${i.location ? `, ${i.location}` : ''}, ${i.calendar.displayName}`}
    >
      <span className="cal-event__time">{i.allDay ? 'All day' : timeOf(i.s)}</span> <span className="cal-event__title">{i.summary || '(no title)'}</span>
    </button>
  );

  return (
    <div className="calendar">
      <div className="calendar__bar">
        <h1 className="page-title calendar__title" aria-live="polite">
          {title}
        </h1>
        <div className="calendar__nav" role="group" aria-label="Move through the calendar">
          <button type="button" className="button button--small button--secondary" onClick={() => setAnchor(new Date())}>
            Today
          </button>
          <button type="button" className="button button--small button--secondary" aria-label={`Previous ${view}`} onClick={() => move(-1)}>
            ‹
          </button>
          <button type="button" className="button button--small button--secondary" aria-label={`Next ${view}`} onClick={() => move(1)}>
            ›
          </button>
        </div>
        <div className="calendar__views" role="group" aria-label="View">
          {(['day', 'week', 'month'] as const).map((v) => (
            <button key={v} type="button" className="button button--small button--secondary" aria-pressed={view === v} onClick={() => setView(v)}>
              {v[0]!.toUpperCase() + v.slice(1)}
            </button>
          ))}
        </div>
        <button type="button" className="button button--small" disabled={!own} onClick={() => openNew(new Date(Math.ceil(Date.now() / 1_800_000) * 1_800_000))}>
          New event
        </button>
      </div>
      {notice ? <Notice kind="success">{notice}</Notice> : null}
      <ErrorSummary error={error} />
      <div className="calendar__body">
        <fieldset className="calendar__list">
          <legend>Calendars</legend>
          {(calendars ?? []).map((c) => (
            <label key={key(c)} className="calendar__toggle">
              <input type="checkbox" checked={!hidden.has(key(c))} onChange={(e) => setHidden((h) => { const n = new Set(h); if (e.target.checked) n.delete(key(c)); else n.add(key(c)); return n; })} />
              <span className="calendar__swatch" style={{ background: colors.get(key(c)) }} aria-hidden="true" />
              {c.displayName}
              {c.owner !== me ? <span className="calendar__owner"> ({c.owner})</span> : null}
            </label>
          ))}
        </fieldset>
        {view === 'month' ? (
          <div className="cal-month" role="grid" aria-label={title}>
            {days.map((d) => (
              <div key={d.toISOString()} role="gridcell" className={`cal-month__day${d.getMonth() !== anchor.getMonth() ? ' cal-month__day--other' : ''}${sameDay(d, new Date()) ? ' cal-today' : ''}`} aria-label={d.toLocaleDateString('en-GB', { weekday: 'long', day: 'numeric', month: 'long' })}>
                <button type="button" className="cal-month__date" onClick={() => (setView('day'), setAnchor(d))}>
                  {d.getDate()}
                </button>
                {items.filter((i) => i.s < addDays(d, 1) && i.e > d).slice(0, 4).map((i) => chip(i))}
              </div>
            ))}
          </div>
        ) : (
          <div ref={grid} className="cal-grid" style={{ gridTemplateColumns: `3.5rem repeat(${days.length}, 1fr)` }}>
            <div />
            {days.map((d) => (
              <div key={d.toISOString()} className={`cal-grid__head${sameDay(d, new Date()) ? ' cal-today' : ''}`}>
                <h2 className="cal-grid__day">{d.toLocaleDateString('en-GB', { weekday: 'short', day: 'numeric', month: 'short' })}</h2>
                {items.filter((i) => i.allDay && i.s < addDays(d, 1) && i.e > d).map((i) => chip(i))}
              </div>
            ))}
            <div className="cal-grid__hours" aria-hidden="true">
              {Array.from({ length: 24 }, (_, h) => (
                <div key={h} className="cal-grid__hour" style={{ height: HOUR_PX }}>
                  {`${String(h).padStart(2, '0')}:00`}
                </div>
              ))}
            </div>
            {days.map((d) => (
              <div key={d.toISOString()} className="cal-grid__col" style={{ height: 24 * HOUR_PX }} aria-label={`Events on ${d.toLocaleDateString('en-GB', { weekday: 'long', day: 'numeric', month: 'long' })}`} role="group">
                {Array.from({ length: 48 }, (_, h) => (
                  <button key={h} type="button" tabIndex={-1} aria-hidden="true" className="cal-grid__slot" style={{ top: (h * HOUR_PX) / 2, height: HOUR_PX / 2 }} onClick={() => openNew(new Date(d.getTime() + h * 1_800_000))} />
                ))}
                {items
                  .filter((i) => !i.allDay && i.s < addDays(d, 1) && i.e > d)
                  .map((i) => {
                    const from = Math.max(0, (i.s.getTime() - d.getTime()) / 3_600_000);
                    const to = Math.min(24, (i.e.getTime() - d.getTime()) / 3_600_000);
                    return chip(i, { position: 'absolute', top: from * HOUR_PX, height: Math.max(HOUR_PX / 2, (to - from) * HOUR_PX) - 2, left: 2, right: 2 });
                  })}
              </div>
            ))}
          </div>
        )}
      </div>
      {editor ? (
        <EventEditor
          target={editor}
          writable={writable}
          csrf={csrf}
          onClose={(changed, message) => {
            setEditor(null);
            if (message) setNotice(message);
            if (changed) setTick((t) => t + 1);
          }}
        />
      ) : null}
    </div>
  );
}
