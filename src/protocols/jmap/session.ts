/** The JMAP Session resource (RFC 8620 section 2): capabilities, the accounts this user may use, URLs. */
import { createHash } from 'node:crypto';
import type { Account } from '../../core/accounts/account-service.js';
import type { MailAccount } from '../../core/mail/mail-views.js';
import type { Services } from '../../core/services.js';
import { accountIdOf } from './context.js';
import { CAPABILITIES, CORE_LIMITS } from './proto/request.js';
import { EXTENSIONS as SIEVE_EXTENSIONS } from '../../core/rules/sieve/run.js';

export const EMAIL_SORT_OPTIONS = ['receivedAt', 'size', 'from', 'to', 'subject', 'sentAt', 'hasKeyword'];

export async function sessionResource(services: Services, viewer: Account, base: string, known?: MailAccount[]): Promise<Record<string, unknown>> {
  const accounts: Record<string, unknown> = {};
  for (const a of known ?? (await services.mailViews.accounts(viewer.id))) {
    accounts[accountIdOf(a.ownerId)] = {
      name: a.own ? a.address : `${a.name} <${a.address}>`,
      isPersonal: a.own,
      isReadOnly: a.readOnly,
      accountCapabilities: {
        [CAPABILITIES.mail]: {
          maxMailboxesPerEmail: null,
          maxMailboxDepth: null,
          maxSizeMailboxName: 512,
          maxSizeAttachmentsPerEmail: CORE_LIMITS.maxSizeUpload,
          emailQuerySortOptions: EMAIL_SORT_OPTIONS,
          mayCreateTopLevelMailbox: a.own,
        },
        ...(a.own ? { [CAPABILITIES.submission]: { maxDelayedSend: 0, submissionExtensions: {} }, [CAPABILITIES.vacation]: {}, [CAPABILITIES.sieve]: { maxSizeScriptName: 512, maxSizeScript: 65536, maxNumberScripts: 1, maxNumberRedirects: 4, sieveExtensions: SIEVE_EXTENSIONS, notificationMethods: null, externalLists: null } } : {}),
      },
    };
  }
  const own = accountIdOf(viewer.id);
  const body = {
    capabilities: { [CAPABILITIES.core]: CORE_LIMITS, [CAPABILITIES.mail]: {}, [CAPABILITIES.submission]: {}, [CAPABILITIES.vacation]: {}, [CAPABILITIES.sieve]: { implementation: 'Wardpost Sieve' } },
    accounts,
    primaryAccounts: { [CAPABILITIES.mail]: own, [CAPABILITIES.submission]: own, [CAPABILITIES.vacation]: own, [CAPABILITIES.sieve]: own },
    username: viewer.address,
    apiUrl: `${base}/jmap/api`,
    downloadUrl: `${base}/jmap/download/{accountId}/{blobId}/{name}?type={type}`,
    uploadUrl: `${base}/jmap/upload/{accountId}`,
    eventSourceUrl: `${base}/jmap/eventsource?types={types}&closeafter={closeafter}&ping={ping}`,
  };
  return { ...body, state: createHash('sha256').update(JSON.stringify(accounts)).digest('hex').slice(0, 16) };
}

/** The session state alone (sent with every API response, RFC 8620 section 3.4). */
export async function sessionState(services: Services, viewer: Account, known?: MailAccount[]): Promise<string> {
  return (await sessionResource(services, viewer, '', known)).state as string;
}
