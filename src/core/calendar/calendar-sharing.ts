/**
 * Sharing a calendar: the folder grant model (core/sharing) applied to calendar collections. The
 * owner, or someone the owner gave "a", grants a colleague free/busy, read, write or delegate
 * rights (rights.ts); every grant and revocation is audited like a folder grant.
 */
import type { Actor } from '../actor.js';
import type { Account } from '../accounts/account-service.js';
import { audit } from '../audit/audit-log.js';
import { WardpostError, invalid } from '../errors.js';
import type { CalendarService } from './calendar-service.js';
import { canAdminister, parseCalendarRights } from './rights.js';

export interface CalendarGrant {
  grantee: string;
  rights: string;
}

export class CalendarSharing {
  constructor(private readonly calendars: CalendarService) {}

  /** Grants (or with rights "" revokes) a colleague's rights on a calendar; returns the rights set. */
  async share(viewer: Account, input: { owner: string; calendar: string; grantee: string; rights: string }, actor: Actor): Promise<string> {
    const ref = await this.calendars.open(viewer, input.owner, input.calendar);
    if (!canAdminister(ref.rights)) throw new WardpostError('forbidden', `you may not share ${input.owner}/${input.calendar}`, { dav: 'need-privileges' });
    if (ref.row.kind !== 'calendar') throw invalid('only calendars are shared (not the scheduling inbox or plain collections)');
    const grantee = await this.calendars.owner(input.grantee);
    if (grantee.id === ref.owner.id) throw invalid('an owner always has every right on their own calendar');
    const rights = parseCalendarRights(input.rights);
    const store = this.calendars.store;
    await store.transaction(async (tx) => {
      await tx.calendar.setAcl(Number(ref.row.id), grantee.id, rights);
      await audit(tx, actor, {
        action: rights ? 'sharing.calendar.grant' : 'sharing.calendar.revoke',
        target: `${ref.owner.address}/${ref.row.path}`,
        orgId: ref.owner.org_id,
        detail: { grantee: grantee.address, rights },
      });
    });
    return rights;
  }

  /** Who has what on a calendar (the owner and those it may share onward can ask). */
  async grants(viewer: Account, owner: string, calendar: string): Promise<CalendarGrant[]> {
    const ref = await this.calendars.open(viewer, owner, calendar);
    if (!canAdminister(ref.rights)) throw new WardpostError('forbidden', `you may not see who shares ${owner}/${calendar}`);
    const out: CalendarGrant[] = [];
    for (const g of await this.calendars.store.calendar.acl(Number(ref.row.id))) {
      const a = await this.calendars.store.accounts.byId(g.granteeAccountId);
      if (a) out.push({ grantee: a.address, rights: g.rights });
    }
    return out;
  }
}
