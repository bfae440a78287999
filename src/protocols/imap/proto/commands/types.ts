// The shape of every parsed command: one entry of CommandArgs per command name, and ParsedCommand,
// the union the dispatcher switches on.

import type { ImapDateTime } from '../datetime.js';
import type { SequenceSet } from '../sequence-set.js';
import type { FetchAttribute } from './fetch.js';
import type { SearchKey } from './search.js';

/** No arguments. */
export type NoArgs = Record<string, never>;

/** AUTHENTICATE mechanism [initial-response] (RFC 9051 section 6.2.2, RFC 4959 SASL-IR). */
export interface AuthenticateArgs {
  /** Upper case, e.g. `PLAIN`. */
  readonly mechanism: string;
  /** Decoded base64; empty for `=`; absent when no initial response was sent. */
  readonly initialResponse?: Buffer;
}

export interface LoginArgs {
  readonly username: string;
  readonly password: string;
}

/** ENABLE (RFC 5161, RFC 9051 section 6.3.1): capability names, upper case. */
export interface EnableArgs {
  readonly capabilities: readonly string[];
}

/** The QRESYNC select parameter (RFC 7162 section 3.2.5). */
export interface QresyncParams {
  readonly uidValidity: number;
  readonly modSeq: number;
  readonly knownUids?: SequenceSet;
  /** seq-match-data: message numbers and the UIDs the client knows for them. */
  readonly knownSequences?: SequenceSet;
  readonly knownSequenceUids?: SequenceSet;
}

/** SELECT / EXAMINE mailbox [(CONDSTORE / QRESYNC (...))] (RFC 9051 6.3.2, RFC 7162). */
export interface SelectArgs {
  readonly mailbox: string;
  readonly condstore: boolean;
  readonly qresync?: QresyncParams;
}

/** CREATE mailbox [(USE (\Drafts ...))] (RFC 9051 6.3.4, RFC 6154 section 3). */
export interface CreateArgs {
  readonly mailbox: string;
  /** Special-use attributes asked for, canonical case (`\Drafts`). */
  readonly specialUse: readonly string[];
}

export interface MailboxArgs {
  readonly mailbox: string;
}

export interface RenameArgs {
  readonly mailbox: string;
  readonly newName: string;
}

/** STATUS data items (RFC 9051 6.3.11, RFC 3501, RFC 7162 HIGHESTMODSEQ, RFC 7889 APPENDLIMIT). */
export type StatusItem =
  | 'MESSAGES' | 'UIDNEXT' | 'UIDVALIDITY' | 'UNSEEN' | 'DELETED' | 'SIZE' | 'RECENT' | 'HIGHESTMODSEQ' | 'APPENDLIMIT';

export interface StatusArgs {
  readonly mailbox: string;
  readonly items: readonly StatusItem[];
}

/** LIST selection options (RFC 9051 6.3.9, RFC 5258, RFC 6154). */
export type ListSelectOption = 'SUBSCRIBED' | 'REMOTE' | 'RECURSIVEMATCH' | 'SPECIAL-USE';

export interface ListReturnOptions {
  readonly subscribed: boolean;
  readonly children: boolean;
  readonly specialUse: boolean;
  /** RETURN (STATUS (...)) (RFC 5819). */
  readonly status?: readonly StatusItem[];
}

/**
 * LIST [(select-opts)] reference (pattern / (patterns)) [RETURN (opts)]. Patterns keep their
 * wildcards; INBOX is not normalised in patterns (the matcher treats it case-insensitively).
 */
export interface ListArgs {
  readonly reference: string;
  readonly patterns: readonly string[];
  readonly selectOptions: readonly ListSelectOption[];
  readonly returnOptions: ListReturnOptions;
  /** LIST-EXTENDED syntax was used (RFC 5258 section 3), so the extended reply rules apply. */
  readonly extended: boolean;
}

export interface LsubArgs {
  readonly reference: string;
  readonly pattern: string;
}

/** One message of APPEND (RFC 9051 6.3.12, RFC 3502 MULTIAPPEND, RFC 3516, RFC 6855). */
export interface AppendMessage {
  readonly flags: readonly string[];
  readonly internalDate?: ImapDateTime;
  readonly data: Buffer;
  /** Sent as a binary literal `~{n}`. */
  readonly binary: boolean;
  /** Sent as `UTF8 (~{n})` (RFC 6855 section 4). */
  readonly utf8: boolean;
}

export interface AppendArgs {
  readonly mailbox: string;
  readonly messages: readonly AppendMessage[];
}

/** EXPUNGE, or UID EXPUNGE set (RFC 9051 6.4.3 and 6.4.9). */
export interface ExpungeArgs {
  readonly uids?: SequenceSet;
}

export interface CopyArgs {
  readonly set: SequenceSet;
  readonly mailbox: string;
}

/** STORE set [(UNCHANGEDSINCE n)] [+-]FLAGS[.SILENT] flags (RFC 9051 6.4.6, RFC 7162 3.1.3). */
export interface StoreArgs {
  readonly set: SequenceSet;
  readonly unchangedSince?: number;
  readonly operation: 'replace' | 'add' | 'remove';
  readonly silent: boolean;
  readonly flags: readonly string[];
}

/** FETCH set attributes [(CHANGEDSINCE n [VANISHED])] (RFC 9051 6.4.5, RFC 7162). */
export interface FetchArgs {
  readonly set: SequenceSet;
  /** Set when ALL, FAST or FULL was used; `attributes` holds its expansion. */
  readonly macro?: 'ALL' | 'FAST' | 'FULL';
  readonly attributes: readonly FetchAttribute[];
  readonly changedSince?: number;
  readonly vanished: boolean;
}

/** ESEARCH return options (RFC 4731, RFC 5182 SAVE, RFC 9051 6.4.4). */
export type SearchReturnOption = 'MIN' | 'MAX' | 'ALL' | 'COUNT' | 'SAVE';

export interface SearchArgs {
  /** Upper case; absent when not given (US-ASCII/UTF-8). */
  readonly charset?: string;
  /** Absent without RETURN (a classic SEARCH reply); `RETURN ()` means ALL. */
  readonly returnOptions?: readonly SearchReturnOption[];
  /** The criteria, several keys combined in one `and`. */
  readonly criteria: SearchKey;
}

/** Sort keys (RFC 5256 section 3, RFC 5957 DISPLAYFROM/DISPLAYTO). */
export type SortKey = 'ARRIVAL' | 'CC' | 'DATE' | 'FROM' | 'SIZE' | 'SUBJECT' | 'TO' | 'DISPLAYFROM' | 'DISPLAYTO';

export interface SortCriterion {
  readonly key: SortKey;
  readonly reverse: boolean;
}

/** SORT [RETURN (...)] (criteria) charset keys (RFC 5256, RFC 5267 ESORT). */
export interface SortArgs {
  readonly sort: readonly SortCriterion[];
  readonly charset: string;
  readonly returnOptions?: readonly SearchReturnOption[];
  readonly criteria: SearchKey;
}

/** THREAD algorithm charset keys (RFC 5256, RFC 5256bis REFS). */
export interface ThreadArgs {
  readonly algorithm: 'ORDEREDSUBJECT' | 'REFERENCES' | 'REFS';
  readonly charset: string;
  readonly criteria: SearchKey;
}

export interface QuotaRootArgs {
  readonly root: string;
}

/** SETQUOTA root (resource limit ...) (RFC 9208 section 4.3). */
export interface SetQuotaArgs {
  readonly root: string;
  readonly limits: readonly { readonly resource: string; readonly limit: number }[];
}

/** DELETEACL / LISTRIGHTS mailbox identifier (RFC 4314). */
export interface AclIdentifierArgs {
  readonly mailbox: string;
  readonly identifier: string;
}

/** SETACL mailbox identifier [+-]rights (RFC 4314 section 3.1). */
export interface SetAclArgs {
  readonly mailbox: string;
  readonly identifier: string;
  readonly operation: 'replace' | 'add' | 'remove';
  readonly rights: string;
}

/** ID (RFC 2971): null for `ID NIL`. */
export interface IdArgs {
  readonly params: readonly { readonly field: string; readonly value: string | null }[] | null;
}

/** COMPRESS mechanism (RFC 4978), upper case. */
export interface CompressArgs {
  readonly mechanism: string;
}

/** Arguments of each command, by command name. */
export interface CommandArgs {
  CAPABILITY: NoArgs;
  NOOP: NoArgs;
  LOGOUT: NoArgs;
  STARTTLS: NoArgs;
  AUTHENTICATE: AuthenticateArgs;
  LOGIN: LoginArgs;
  ENABLE: EnableArgs;
  SELECT: SelectArgs;
  EXAMINE: SelectArgs;
  CREATE: CreateArgs;
  DELETE: MailboxArgs;
  RENAME: RenameArgs;
  SUBSCRIBE: MailboxArgs;
  UNSUBSCRIBE: MailboxArgs;
  LIST: ListArgs;
  LSUB: LsubArgs;
  NAMESPACE: NoArgs;
  STATUS: StatusArgs;
  APPEND: AppendArgs;
  IDLE: NoArgs;
  CHECK: NoArgs;
  CLOSE: NoArgs;
  UNSELECT: NoArgs;
  UNAUTHENTICATE: NoArgs;
  EXPUNGE: ExpungeArgs;
  SEARCH: SearchArgs;
  SORT: SortArgs;
  THREAD: ThreadArgs;
  FETCH: FetchArgs;
  STORE: StoreArgs;
  COPY: CopyArgs;
  MOVE: CopyArgs;
  GETQUOTA: QuotaRootArgs;
  GETQUOTAROOT: MailboxArgs;
  SETQUOTA: SetQuotaArgs;
  GETACL: MailboxArgs;
  SETACL: SetAclArgs;
  DELETEACL: AclIdentifierArgs;
  LISTRIGHTS: AclIdentifierArgs;
  MYRIGHTS: MailboxArgs;
  ID: IdArgs;
  COMPRESS: CompressArgs;
}

export type CommandName = keyof CommandArgs;

/** A parsed command of one name. `uid` is true for `UID FETCH` and the like. */
export interface CommandOf<K extends CommandName> {
  readonly tag: string;
  readonly name: K;
  readonly uid: boolean;
  readonly args: CommandArgs[K];
}

/** Any parsed command; switch on `name` to narrow `args`. */
export type ParsedCommand = { [K in CommandName]: CommandOf<K> }[CommandName];
