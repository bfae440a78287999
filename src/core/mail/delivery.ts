/**
 * Local delivery: the one function every door (SMTP, submission, JMAP import, migration, SMS
 * replies) calls to put a message into local mailboxes.
 *
 * The body is streamed once: into the content-addressed blob store (durable before anything
 * refers to it) and, in the same pass, through the MIME indexer, so the parsed structure is
 * stored with the message and no reader ever re-parses it. Then one transaction (shared with
 * concurrent deliveries by group commit) reserves quota, takes UIDs and MODSEQs and writes every
 * mailbox row: all recipients get the message or none does.
 */
import type { Readable } from 'node:stream';
import { parseAddress } from '../addresses.js';
import { WardpostError, notFound } from '../errors.js';
import type { EventBus } from '../events/bus.js';
import type { AccountRow, Repos, Store } from '../../store/types.js';
import { MimeIndexer } from './mime/index.js';
import type { MessageIndex } from './mime/types.js';
import { toMessageMeta } from './message-meta.js';

export interface DeliveryInput {
  source: Readable;
  /** Local addresses (primary or alias). Several addresses of one account get one copy. */
  recipients: string[];
  /** Folder to file into; INBOX by default. */
  folder?: string;
  flags?: string[];
  internalDate?: Date;
}

export interface DeliveredCopy {
  recipient: string;
  accountId: number;
  mailboxId: number;
  uid: number;
  modseq: number;
}

export interface DeliveryReceipt {
  blobHash: string;
  size: number;
  index: MessageIndex;
  copies: DeliveredCopy[];
}

interface Target {
  recipient: string;
  account: AccountRow;
  mailboxId: number;
}

export class DeliveryService {
  constructor(
    private readonly store: Store,
    private readonly bus: EventBus,
  ) {}

  /** Delivers one message to local recipients atomically; resolves only once it is durable. */
  async deliver(input: DeliveryInput): Promise<DeliveryReceipt> {
    const targets = await this.resolveTargets(input.recipients, input.folder ?? 'INBOX');
    // Refuse early, before storing a byte, when a mailbox is already full.
    for (const t of targets) {
      const quota = Number(t.account.quota_bytes);
      if (quota > 0 && Number(t.account.used_bytes) >= quota) throw quotaExceeded(t.recipient);
    }

    const indexer = new MimeIndexer();
    const { hash, size, inline } = await this.store.blobs.put(input.source, (chunk) => indexer.write(chunk));
    indexer.end();
    const index = await indexer.result;
    const internalDate = (input.internalDate ?? new Date()).getTime();
    const flags = normaliseFlags(input.flags ?? []);

    const copies = await this.store.grouped(async (tx: Repos) => {
      await tx.messageMeta.put(toMessageMeta(hash, index));
      const out: DeliveredCopy[] = [];
      // Fixed lock order (mailbox id) so concurrent multi-recipient deliveries cannot deadlock.
      for (const t of [...targets].sort((a, b) => a.mailboxId - b.mailboxId)) {
        if (!(await tx.accounts.reserveQuota(t.account.id, size))) throw quotaExceeded(t.recipient);
        const { uid, modseq } = await tx.mailboxes.allocate(t.mailboxId, size);
        await tx.messages.insert({ mailboxId: t.mailboxId, uid, modseq, blobHash: hash, size, internalDate, flags });
        out.push({ recipient: t.recipient, accountId: t.account.id, mailboxId: t.mailboxId, uid, modseq });
      }
      await tx.blobRefs.addRefs(hash, size, targets.length, inline);
      return out;
    });

    for (const c of copies) {
      await this.bus.publish({ type: 'mail.delivered', accountId: c.accountId, mailboxId: c.mailboxId, uid: c.uid, modseq: c.modseq });
    }
    return { blobHash: hash, size, index, copies };
  }

  private async resolveTargets(recipients: string[], folder: string): Promise<Target[]> {
    if (!recipients.length) throw new WardpostError('invalid_input', 'a delivery needs at least one recipient');
    const byAccount = new Map<number, Target>();
    for (const r of recipients) {
      const { address } = parseAddress(r);
      const account = await this.store.accounts.resolve(address);
      if (!account) throw notFound(`no local mailbox for ${address}`, { recipient: address });
      if (byAccount.has(account.id)) continue;
      const mailbox = (await this.store.mailboxes.byName(account.id, folder)) ?? (await this.store.mailboxes.byName(account.id, 'INBOX'));
      if (!mailbox) throw notFound(`${address} has no folder "${folder}"`, { recipient: address });
      byAccount.set(account.id, { recipient: address, account, mailboxId: mailbox.id });
    }
    return [...byAccount.values()];
  }
}

function quotaExceeded(recipient: string): WardpostError {
  return new WardpostError('quota_exceeded', `the mailbox of ${recipient} is full; the recipient must delete mail or ask for more space`, { recipient });
}

/** IMAP system flags keep their case (\Seen); keywords are atoms; duplicates dropped. */
export function normaliseFlags(flags: string[]): string[] {
  const out = new Set<string>();
  for (const f of flags) {
    if (!/^\\?[^\s()\]{%*"\\]+$/.test(f)) throw new WardpostError('invalid_input', `"${f}" is not a valid flag or keyword`);
    out.add(f.startsWith('\\') ? `\\${f[1]!.toUpperCase()}${f.slice(2).toLowerCase()}` : f);
  }
  return [...out];
}
