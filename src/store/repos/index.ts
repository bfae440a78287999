/** Binds every repository to one Kysely executor (the database or an open transaction). */
import type { Kysely } from 'kysely';
import type { Database } from '../schema/tables.js';
import type { Repos } from '../types.js';
import { KyselyAccountRepo } from './accounts.js';
import { KyselyAuditRepo } from './audit.js';
import { KyselyBlobRefRepo } from './blob-refs.js';
import { KyselyMailboxRepo } from './mailboxes.js';
import { KyselyMessageMetaRepo, KyselyMessageRepo } from './messages.js';
import { KyselyOrgRepo } from './orgs.js';
import { KyselySharingRepo } from './sharing.js';
import { KyselyDirectoryRepo } from './directory.js';
import { KyselyAuthRepo } from './auth.js';
import { KyselyTransportRepo } from './transport.js';
import { KyselyMailStateRepo } from './mail-state.js';
import { KyselyJmapRepo } from './jmap.js';
import { KyselyCalendarRepo } from './calendar.js';
import { KyselySmsRepo } from './sms.js';
import { KyselyWebhookRepo } from './webhooks.js';
import { KyselyAdminRepo } from './admin.js';

export function bindRepos(db: Kysely<Database>): Repos {
  return {
    orgs: new KyselyOrgRepo(db),
    accounts: new KyselyAccountRepo(db),
    mailboxes: new KyselyMailboxRepo(db),
    messages: new KyselyMessageRepo(db),
    messageMeta: new KyselyMessageMetaRepo(db),
    blobRefs: new KyselyBlobRefRepo(db),
    audit: new KyselyAuditRepo(db),
    sharing: new KyselySharingRepo(db),
    directory: new KyselyDirectoryRepo(db),
    auth: new KyselyAuthRepo(db),
    transport: new KyselyTransportRepo(db),
    mailState: new KyselyMailStateRepo(db),
    jmap: new KyselyJmapRepo(db),
    calendar: new KyselyCalendarRepo(db),
    sms: new KyselySmsRepo(db),
    webhooks: new KyselyWebhookRepo(db),
    admin: new KyselyAdminRepo(db),
  };
}
