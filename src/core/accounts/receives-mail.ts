/**
 * Whether mail is still delivered to an account. A suspended member of staff keeps receiving (the
 * mail is there when they come back); a deleted account in its retention period does not: its mail
 * is kept for a restore, but senders are told at once that the address no longer works (550 5.1.1),
 * as they would be after the purge.
 */
export function receivesMail(account: { status: string }): boolean {
  return account.status !== 'deleted' && account.status !== 'purged';
}
