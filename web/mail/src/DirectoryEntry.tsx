/** One directory entry in full (GET /api/v1/directory/entries/{id}): how to reach them, and "Write email". */
import { useEffect, useRef, type ReactNode } from 'react';
import type { DirEntry } from './directory';
import type { EmailAddress } from './jmap/types';

/** A phone number as a tel: link (digits and a leading +; what is shown stays as written). */
const telHref = (n: string) => `tel:${n.replace(/[^\d+]/g, '')}`;

function Row({ term, children }: { term: string; children: ReactNode }) {
  return (
    <>
      <dt>{term}</dt>
      <dd>{children}</dd>
    </>
  );
}

export function DirectoryEntryPanel({ entry, canWrite, onWrite }: { entry: DirEntry; canWrite: boolean; onWrite: (to: EmailAddress) => void }) {
  const { phones } = entry;
  const phone = (n: string | null) => (n ? <a href={telHref(n)}>{n}</a> : null);
  // Choosing a result takes keyboard and screen-reader users to what they chose (WCAG 2.4.3).
  const heading = useRef<HTMLHeadingElement>(null);
  useEffect(() => heading.current?.focus(), [entry.id]);
  return (
    <section className="directory__detail" aria-labelledby="directory-detail-name">
      <h2 id="directory-detail-name" className="directory__name" ref={heading} tabIndex={-1}>
        {entry.displayName}
      </h2>
      {entry.jobTitle ? <p className="directory__title">{entry.jobTitle}</p> : null}
      <dl className="directory__facts">
        {entry.org ? <Row term="Organisation">{entry.org.name}</Row> : null}
        {entry.department ? <Row term="Department">{entry.department}</Row> : null}
        {entry.site ? <Row term="Site">{entry.site}</Row> : null}
        {entry.specialty ? <Row term="Specialty">{entry.specialty}</Row> : null}
        {phones.desk ? <Row term="Phone">{phone(phones.desk)}</Row> : null}
        {phones.mobile ? <Row term="Mobile">{phone(phones.mobile)}</Row> : null}
        {phones.pager ? <Row term="Bleep or pager">{phones.pager}</Row> : null}
        {entry.email ? <Row term="Email">{entry.email}</Row> : null}
        {entry.address ? <Row term="Address">{entry.address}</Row> : null}
        {entry.registration ? <Row term="Registration number">{entry.registration}</Row> : null}
      </dl>
      {entry.email ? (
        <div className="actions">
          <button type="button" className="button" disabled={!canWrite} onClick={() => onWrite({ name: entry.displayName, email: entry.email! })}>
            Write email
          </button>
          {canWrite ? null : <span className="muted">Your account cannot send mail yet.</span>}
        </div>
      ) : (
        <p className="muted">The directory has no email address for {entry.displayName}.</p>
      )}
    </section>
  );
}
