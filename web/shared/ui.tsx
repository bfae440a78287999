/** Small accessible building blocks shared by webmail and the admin portal (labels, errors, status). */
import { useId, type InputHTMLAttributes, type ReactNode, type Ref } from 'react';

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

/** A field's label and hint (the hint's id is `<id>-hint`, for aria-describedby). */
function LabelAndHint({ id, label, hint }: { id: string; label: string; hint?: string | undefined }) {
  return (
    <>
      <label className="field__label" htmlFor={id}>
        {label}
      </label>
      {hint ? (
        <p className="field__hint" id={`${id}-hint`}>
          {hint}
        </p>
      ) : null}
    </>
  );
}

export function Field({ label, hint, error, ref, ...input }: { label: string; hint?: string; error?: string | null; ref?: Ref<HTMLInputElement> } & InputHTMLAttributes<HTMLInputElement>) {
  const id = useId();
  return (
    <div className={`field${error ? ' field--error' : ''}`}>
      <LabelAndHint id={id} label={label} hint={hint} />
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

/** The centred panel of the sign-in and enrolment pages, under the Wardpost mark. */
export function AuthPanel({ wide, children }: { wide?: boolean; children: ReactNode }) {
  return (
    <main className="signin" id="main">
      <div className={`signin__panel${wide ? ' signin__panel--wide' : ''}`}>
        <div className="brand brand--large" aria-hidden="true">
          <span className="brand__mark">W</span>
          <span className="brand__name">Wardpost</span>
        </div>
        {children}
      </div>
    </main>
  );
}

/** A data table with a caption for screen readers, column headings and an unlabelled actions column. */
export function DataTable({ caption, columns, className = 'table', children }: { caption: string; columns: (string | { label: string; num: true })[]; className?: string; children: ReactNode }) {
  return (
    <div className="table-wrap">
      <table className={className}>
        <caption className="visually-hidden">{caption}</caption>
        <thead>
          <tr>
            {columns.map((c) => (typeof c === 'string' ? <th key={c} scope="col">{c}</th> : <th key={c.label} scope="col" className="num">{c.label}</th>))}
            <th scope="col">
              <span className="visually-hidden">Actions</span>
            </th>
          </tr>
        </thead>
        <tbody>{children}</tbody>
      </table>
    </div>
  );
}

/** A labelled multi-line field with an optional hint. */
export function TextArea({ id, label, hint, rows = 4, value, placeholder, onChange }: { id: string; label: string; hint?: string; rows?: number; value: string; placeholder?: string; onChange: (v: string) => void }) {
  return (
    <div className="field">
      <LabelAndHint id={id} label={label} hint={hint} />
      <textarea id={id} className="input" rows={rows} value={value} placeholder={placeholder} aria-describedby={hint ? `${id}-hint` : undefined} onChange={(e) => onChange(e.target.value)} />
    </div>
  );
}

/** The row of a form's main button. */
export function SubmitRow({ label, secondary, disabled }: { label: string; secondary?: boolean; disabled?: boolean }) {
  return (
    <div className="actions">
      <button className={`button${secondary ? ' button--secondary' : ''}`} type="submit" disabled={disabled}>
        {label}
      </button>
    </div>
  );
}
