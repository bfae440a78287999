import type { Org } from '../api';

/** The organisation a new thing belongs to, among those the administrator may change. */
export function OrgSelect({ id, orgs, value, onChange }: { id: string; orgs: Org[]; value: string; onChange: (slug: string) => void }) {
  return (
    <div className="field">
      <label className="field__label" htmlFor={id}>
        Organisation
      </label>
      <select id={id} className="select" value={value || orgs[0]?.slug || ''} onChange={(e) => onChange(e.target.value)}>
        {orgs.map((o) => (
          <option key={o.slug} value={o.slug}>
            {o.name}
          </option>
        ))}
      </select>
    </div>
  );
}
