/** What every LDAP operation handler receives: the services, the naming, limits and the session's identity. */
import type { Logger } from 'pino';
import type { Viewer } from '../../core/directory/types.js';
import type { Services } from '../../core/services.js';
import type { Dit } from './entries.js';
import type { LdapLimits } from './limits.js';
import type { PagingCookies } from './paging.js';
import type { OrgTree } from './search-scope.js';

export interface LdapContext {
  services: Services;
  logger: Logger;
  dit: Dit;
  limits: LdapLimits;
  cookies: PagingCookies;
  /** The organisation tree, cached between searches (dropped when an organisation is created). */
  tree: { at: number; value: Promise<OrgTree> } | null;
}

/** Who the connection is bound as; null viewer = anonymous (sees the root DSE only). */
export interface Identity {
  viewer: Viewer | null;
  address: string | null;
}
