/**
 * The one filter bar of every list screen: a row of labelled search boxes and drop-downs. Each
 * screen says which filters it has; the markup, labels and layout stay the same everywhere.
 */
export type Filter =
  | { kind: 'search'; id: string; label: string; value: string; onChange: (v: string) => void; grow?: boolean }
  | { kind: 'select'; id: string; label: string; value: string; onChange: (v: string) => void; options: { value: string; label: string }[]; grow?: boolean };

export function FilterBar({ filters, search }: { filters: Filter[]; search?: boolean }) {
  return (
    <form className="filters" role={search ? 'search' : undefined} onSubmit={(e) => e.preventDefault()}>
      {filters.map((f) => (
        <div key={f.id} className={`field field--inline${f.grow ? ' field--grow' : ''}`}>
          <label className="field__label" htmlFor={f.id}>
            {f.label}
          </label>
          {f.kind === 'search' ? (
            <input id={f.id} className="input" type="search" value={f.value} onChange={(e) => f.onChange(e.target.value)} autoComplete="off" />
          ) : (
            <select id={f.id} className="select" value={f.value} onChange={(e) => f.onChange(e.target.value)}>
              {f.options.map((o) => (
                <option key={o.value} value={o.value}>
                  {o.label}
                </option>
              ))}
            </select>
          )}
        </div>
      ))}
    </form>
  );
}
