/** Every JMAP method this server answers, by name. */
import type { Methods } from '../dispatch.js';
import { coreMethods } from './core.js';
import { emailGetMethods } from './email-get.js';
import { emailQueryMethods } from './email-query.js';
import { emailSetMethods } from './email-set.js';
import { mailboxMethods } from './mailbox.js';
import { threadMethods } from './thread.js';
import { snippetMethods } from './snippet.js';
import { identityMethods } from './identity.js';
import { submissionMethods } from './submission.js';
import { vacationMethods } from './vacation.js';
import { sieveMethods } from './sieve.js';

export const ALL_METHODS: Methods = {
  ...coreMethods,
  ...mailboxMethods,
  ...emailGetMethods,
  ...emailQueryMethods,
  ...emailSetMethods,
  ...threadMethods,
  ...snippetMethods,
  ...identityMethods,
  ...submissionMethods,
  ...vacationMethods,
  ...sieveMethods,
};
