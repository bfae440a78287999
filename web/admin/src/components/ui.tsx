import { useId, type AnchorHTMLAttributes, type InputHTMLAttributes, type MouseEvent, type ReactNode, type Ref } from 'react';
import { BASE, navigate } from '../router';

/** A link inside the portal: a real href (open in new tab works), client-side navigation on click. */
export function Link({ to, children, ...rest }: { to: string; children: ReactNode } & Omit<AnchorHTMLAttributes<HTMLAnchorElement>, 'href'>) {
  const onClick = (e: MouseEvent<HTMLAnchorElement>) => {
    if (e.defaultPrevented || e.button !== 0 || e.metaKey || e.ctrlKey || e.shiftKey || e.altKey) return;
    e.preventDefault();
    navigate(to);
  };
  return (
    <a href={`${BASE}${to}`} onClick={onClick} {...rest}>
      {children}
    </a>
  );
}

export function ErrorSummary({ error, title = 'There is a problem' }: { error: string | null; title?: string }) {
  if (!error) return null;
  return (
    <div className="error-summary" role="alert" tabIndex={-1}>
      <h2 className="error-summary__title">{title}</h2>
      <p className="error-summary__body">{error}</p>
    </div>
  );
}

export function Notice({ kind = 'info', title, children }: { kind?: 'info' | 'success' | 'warning'; title?: string; children: ReactNode }) {
  return (
    <div className={`notice notice--${kind}`} role={kind === 'success' ? 'status' : undefined}>
      {title ? <h2 className="notice__title">{title}</h2> : null}
      <div>{children}</div>
    </div>
  );
}

export function Field({ label, hint, error, ref, ...input }: { label: string; hint?: string; error?: string | null; ref?: Ref<HTMLInputElement> } & InputHTMLAttributes<HTMLInputElement>) {
  const id = useId();
  return (
    <div className={`field${error ? ' field--error' : ''}`}>
      <label className="field__label" htmlFor={id}>
        {label}
      </label>
      {hint ? (
        <p className="field__hint" id={`${id}-hint`}>
          {hint}
        </p>
      ) : null}
      {error ? (
        <p className="field__error" id={`${id}-error`}>
          {error}
        </p>
      ) : null}
      <input ref={ref} id={id} className="input" aria-describedby={[hint ? `${id}-hint` : '', error ? `${id}-error` : ''].filter(Boolean).join(' ') || undefined} {...input} />
    </div>
  );
}

export function Loading({ what }: { what: string }) {
  return (
    <p className="loading" role="status">
      <span className="loading__dot" aria-hidden="true" /> Loading {what}…
    </p>
  );
}

export function StatusTag({ status }: { status: string }) {
  const label = status === 'active' ? 'Active' : status === 'suspended' ? 'Suspended' : status.charAt(0).toUpperCase() + status.slice(1);
  return <span className={`tag tag--${status}`}>{label}</span>;
}

export function Meter({ used, total, label }: { used: number; total: number; label: string }) {
  const pct = total > 0 ? Math.min(100, (used / total) * 100) : 0;
  const level = pct >= 90 ? 'high' : pct >= 70 ? 'mid' : 'low';
  return (
    <span className={`meter meter--${level}`} role="meter" aria-valuemin={0} aria-valuemax={100} aria-valuenow={Math.round(pct)} aria-label={label}>
      <span className="meter__fill" style={{ width: `${Math.max(pct, used > 0 ? 2 : 0)}%` }} />
    </span>
  );
}
