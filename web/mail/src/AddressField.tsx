/**
 * A recipients field with the national directory as a picker (GET /api/v1/directory/search):
 * type a few letters of a name, choose with the arrow keys and Enter, or type a full address.
 * ARIA 1.2 combobox with a listbox popup.
 */
import { useEffect, useId, useRef, useState, type KeyboardEvent } from 'react';
import { searchDirectory, type DirEntry } from './directory';
import type { EmailAddress } from './jmap/types';

const EMAIL = /^[^\s@<>]+@[^\s@<>]+\.[^\s@<>]+$/;

/** "Name <a@b>" or a bare address into an EmailAddress, or null. */
export function parseAddress(s: string): EmailAddress | null {
  const t = s.trim().replace(/[,;]$/, '');
  const m = /^(.*)<([^>]+)>$/.exec(t);
  const email = (m ? m[2]! : t).trim();
  if (!EMAIL.test(email)) return null;
  const name = m ? m[1]!.trim().replace(/^"|"$/g, '') : '';
  return { name: name || null, email };
}

export function AddressField({ label, value, onChange, autoFocus }: { label: string; value: EmailAddress[]; onChange: (v: EmailAddress[]) => void; autoFocus?: boolean }) {
  const id = useId();
  const [text, setText] = useState('');
  const [hits, setHits] = useState<DirEntry[]>([]);
  const [active, setActive] = useState(-1);
  const [problem, setProblem] = useState<string | null>(null);
  const input = useRef<HTMLInputElement>(null);

  useEffect(() => {
    const q = text.trim();
    if (q.length < 2 || q.includes('@')) {
      setHits([]);
      return;
    }
    let live = true;
    const t = setTimeout(() => {
      searchDirectory({ q, limit: 8 }).then(
        (r) => {
          if (!live) return;
          setHits(r.entries.filter((e) => e.email));
          setActive(-1);
        },
        () => live && setHits([]),
      );
    }, 120);
    return () => {
      live = false;
      clearTimeout(t);
    };
  }, [text]);

  const add = (a: EmailAddress) => {
    if (!value.some((v) => v.email.toLowerCase() === a.email.toLowerCase())) onChange([...value, a]);
    setText('');
    setHits([]);
    setProblem(null);
    input.current?.focus();
  };

  const commitTyped = () => {
    if (!text.trim()) return true;
    const a = parseAddress(text);
    if (!a) {
      setProblem(`"${text.trim()}" is not an email address. Choose a person from the list or type a full address.`);
      return false;
    }
    add(a);
    return true;
  };

  const key = (e: KeyboardEvent<HTMLInputElement>) => {
    if (e.key === 'ArrowDown' && hits.length) {
      e.preventDefault();
      setActive((a) => (a + 1) % hits.length);
    } else if (e.key === 'ArrowUp' && hits.length) {
      e.preventDefault();
      setActive((a) => (a <= 0 ? hits.length - 1 : a - 1));
    } else if (e.key === 'Enter' || e.key === ',' || e.key === ';') {
      const pick = active >= 0 ? hits[active] : undefined;
      if (pick?.email) {
        e.preventDefault();
        add({ name: pick.displayName, email: pick.email });
      } else if (text.trim()) {
        e.preventDefault();
        commitTyped();
      }
    } else if (e.key === 'Escape' && hits.length) {
      e.stopPropagation();
      setHits([]);
    } else if (e.key === 'Backspace' && !text && value.length) {
      onChange(value.slice(0, -1));
    }
  };

  const open = hits.length > 0;
  return (
    <div className={`field address${problem ? ' field--error' : ''}`}>
      <label className="field__label" htmlFor={`${id}-input`}>
        {label}
      </label>
      {problem ? (
        <p className="field__error" id={`${id}-error`}>
          {problem}
        </p>
      ) : null}
      <div className="address__box">
        <ul className="address__chips" aria-label={`${label} recipients`}>
          {value.map((a) => (
            <li key={a.email} className="chip">
              <span title={a.email}>{a.name ? `${a.name} <${a.email}>` : a.email}</span>
              <button type="button" className="chip__remove" aria-label={`Remove ${a.name ?? a.email}`} onClick={() => onChange(value.filter((v) => v !== a))}>
                ×
              </button>
            </li>
          ))}
        </ul>
        <input
          ref={input}
          id={`${id}-input`}
          className="address__input"
          type="text"
          role="combobox"
          aria-expanded={open}
          aria-controls={`${id}-list`}
          aria-autocomplete="list"
          aria-activedescendant={open && active >= 0 ? `${id}-opt-${active}` : undefined}
          aria-describedby={problem ? `${id}-error` : undefined}
          autoComplete="off"
          autoFocus={autoFocus}
          value={text}
          onChange={(e) => setText(e.target.value)}
          onKeyDown={key}
          onBlur={() => {
            // A click on a suggestion lands after blur; leave the list up for it.
            setTimeout(() => setHits([]), 200);
            if (text.trim() && parseAddress(text)) commitTyped();
          }}
        />
      </div>
      <ul className="address__list" id={`${id}-list`} role="listbox" aria-label={`People matching ${text}`} hidden={!open}>
        {hits.map((h, i) => (
          <li
            key={h.id}
            id={`${id}-opt-${i}`}
            role="option"
            aria-selected={i === active}
            className={`address__option${i === active ? ' address__option--active' : ''}`}
            onMouseDown={(e) => {
              e.preventDefault();
              add({ name: h.displayName, email: h.email! });
            }}
          >
            <strong>{h.displayName}</strong> <span className="muted">{h.email}</span>
            {h.jobTitle || h.org ? <span className="address__detail">{[h.jobTitle, h.org?.name].filter(Boolean).join(' · ')}</span> : null}
          </li>
        ))}
      </ul>
    </div>
  );
}
