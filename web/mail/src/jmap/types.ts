/** JMAP object shapes used by webmail: RFC 8620 (core) and RFC 8621 (mail), property names as there. */

export const CAP_CORE = 'urn:ietf:params:jmap:core';
export const CAP_MAIL = 'urn:ietf:params:jmap:mail';
export const CAP_SUBMISSION = 'urn:ietf:params:jmap:submission';
export const CAP_VACATION = 'urn:ietf:params:jmap:vacationresponse';

/** RFC 8620 section 2: the Session resource. */
export interface Session {
  capabilities: Record<string, Record<string, unknown>>;
  accounts: Record<string, { name: string; isPersonal: boolean; isReadOnly: boolean; accountCapabilities: Record<string, unknown> }>;
  primaryAccounts: Record<string, string>;
  username: string;
  apiUrl: string;
  downloadUrl: string;
  uploadUrl: string;
  eventSourceUrl: string;
  state: string;
}

/** RFC 8621 section 2: Mailbox rights for the signed-in user. */
export interface MailboxRights {
  mayReadItems: boolean;
  mayAddItems: boolean;
  mayRemoveItems: boolean;
  maySetSeen: boolean;
  maySetKeywords: boolean;
  mayCreateChild: boolean;
  mayRename: boolean;
  mayDelete: boolean;
  maySubmit: boolean;
}

export interface Mailbox {
  id: string;
  name: string;
  parentId: string | null;
  role: string | null;
  sortOrder: number;
  totalEmails: number;
  unreadEmails: number;
  totalThreads: number;
  unreadThreads: number;
  myRights: MailboxRights;
  isSubscribed: boolean;
}

/** RFC 8621 section 4.1.2.3 */
export interface EmailAddress {
  name: string | null;
  email: string;
}

/** RFC 8621 section 4.1.4 */
export interface EmailBodyPart {
  partId: string | null;
  blobId: string | null;
  size: number;
  name: string | null;
  type: string;
  charset: string | null;
  disposition: string | null;
  cid: string | null;
}

export interface Email {
  id: string;
  blobId: string;
  threadId: string;
  mailboxIds: Record<string, true>;
  keywords: Record<string, true>;
  size: number;
  receivedAt: string;
  messageId: string[] | null;
  inReplyTo: string[] | null;
  references: string[] | null;
  from: EmailAddress[] | null;
  to: EmailAddress[] | null;
  cc: EmailAddress[] | null;
  replyTo: EmailAddress[] | null;
  sender: EmailAddress[] | null;
  subject: string | null;
  sentAt: string | null;
  hasAttachment: boolean;
  preview: string;
  bodyValues?: Record<string, { value: string; isEncodingProblem: boolean; isTruncated: boolean }>;
  textBody?: EmailBodyPart[];
  htmlBody?: EmailBodyPart[];
  attachments?: EmailBodyPart[];
}

/** RFC 8621 section 6 */
export interface Identity {
  id: string;
  name: string;
  email: string;
  replyTo: EmailAddress[] | null;
  bcc: EmailAddress[] | null;
  textSignature: string;
  htmlSignature: string;
  mayDelete: boolean;
}

/** RFC 8621 section 8 */
export interface VacationResponse {
  id: 'singleton';
  isEnabled: boolean;
  fromDate: string | null;
  toDate: string | null;
  subject: string | null;
  textBody: string | null;
  htmlBody: string | null;
}

/** RFC 8621 section 5 */
export interface SearchSnippet {
  emailId: string;
  subject: string | null;
  preview: string | null;
}

/** RFC 8620 section 5.3: why one create/update/destroy was refused. */
export interface SetError {
  type: string;
  description?: string;
  properties?: string[];
}

export interface SetResponse<T> {
  accountId: string;
  oldState: string | null;
  newState: string;
  created: Record<string, T & { id: string }> | null;
  updated: Record<string, Partial<T> | null> | null;
  destroyed: string[] | null;
  notCreated: Record<string, SetError> | null;
  notUpdated: Record<string, SetError> | null;
  notDestroyed: Record<string, SetError> | null;
}

/** RFC 8620 section 5.5 */
export interface QueryResponse {
  accountId: string;
  queryState: string;
  canCalculateChanges: boolean;
  position: number;
  ids: string[];
  total?: number;
}

/** RFC 8620 section 7.1: the StateChange pushed over the event source. */
export interface StateChange {
  '@type': 'StateChange';
  changed: Record<string, Record<string, string>>;
}

export type FilterCondition = {
  inMailbox?: string;
  inMailboxOtherThan?: string[];
  text?: string;
  from?: string;
  to?: string;
  subject?: string;
  hasKeyword?: string;
  notKeyword?: string;
};
