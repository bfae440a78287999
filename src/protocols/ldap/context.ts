/** What every LDAP operation handler receives: the services, the naming, limits and the session's identity. */
import type { SecureContext } from 'node:tls';
import type { Logger } from 'pino';
import type { DirectoryEntry, Viewer } from '../../core/directory/types.js';
import type { Services } from '../../core/services.js';
import type { Dit, LdapEntry } from './entries.js';
import type { LdapLimits } from './limits.js';
import type { PagingCookies } from './paging.js';
import type { OrgTree } from './search-scope.js';

export interface LdapContext {
  services: Services;
  logger: Logger;
  dit: Dit;
  limits: LdapLimits;
  cookies: PagingCookies;
  /** LDAP forms of people's directory entries, kept as long as core keeps the entry (search.ts). */
  entries: WeakMap<DirectoryEntry, LdapEntry>;
  /** The platform certificate's TLS context (StartTLS, LDAPS); null: TLS not offered. */
  secureContext: SecureContext | null;
  /** The organisation tree, cached between searches (dropped when an organisation is created). */
  tree: { at: number; value: Promise<OrgTree> } | null;
}

/** Who the connection is bound as; null viewer = anonymous (sees the root DSE only). */
export interface Identity {
  viewer: Viewer | null;
  address: string | null;
}
