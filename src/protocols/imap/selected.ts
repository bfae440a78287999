// The selected mailbox of a session (RFC 9051 section 5.2): message sequence numbers are positions
// in `uids`; changes made elsewhere are queued and reported as untagged responses at the points
// the RFC allows (EXPUNGE never during FETCH, STORE or SEARCH).
import type { MailboxView } from '../../core/mail/mailbox-service.js';

export class SelectedMailbox {
  /** UIDs in ascending order; message sequence number n is uids[n - 1]. */
  uids: number[];
  readonly pendingExpunge = new Set<number>();
  readonly pendingFlags = new Map<number, { flags: string[]; modseq: number }>();
  pendingNew = false;
  /** UIDs this session reports \Recent (IMAP4rev1 only; RFC 3501 section 2.3.2). */
  readonly recent = new Set<number>();

  constructor(
    public view: MailboxView,
    uids: number[],
    readonly readOnly: boolean,
  ) {
    this.uids = uids;
  }

  get id(): number {
    return this.view.mailbox.id;
  }

  get exists(): number {
    return this.uids.length;
  }

  get lastUid(): number {
    return this.uids[this.uids.length - 1] ?? 0;
  }

  /** Sequence number of a UID, or 0. */
  seqOf(uid: number): number {
    let lo = 0;
    let hi = this.uids.length - 1;
    while (lo <= hi) {
      const mid = (lo + hi) >>> 1;
      const v = this.uids[mid] as number;
      if (v < uid) lo = mid + 1;
      else if (v > uid) hi = mid - 1;
      else return mid + 1;
    }
    return 0;
  }

  /** Removes a UID and returns the sequence number it had (0 when unknown). */
  remove(uid: number): number {
    const seq = this.seqOf(uid);
    if (seq) this.uids.splice(seq - 1, 1);
    this.recent.delete(uid);
    return seq;
  }
}
