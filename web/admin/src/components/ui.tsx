import type { AnchorHTMLAttributes, MouseEvent, ReactNode } from 'react';
import { BASE, navigate } from '../router';

// Labels, error summaries, notices and loading states are the same in webmail: one copy in web/shared.
export { AuthPanel, DataTable, ErrorSummary, Field, Loading, Notice, SubmitRow, TextArea } from '../../../shared/ui';

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
