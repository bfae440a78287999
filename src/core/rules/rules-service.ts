/**
 * Server-side rules of an account, evaluated at local delivery (the DeliveryRules hook of
 * core/mail/delivery): the account's Sieve script (RFC 5228, with fileinto, reject, redirect,
 * vacation, envelope, copy, imap4flags) and its out-of-office settings (JMAP VacationResponse,
 * RFC 8621 section 8), which act as one more vacation action after the script. Messages the rules
 * send (replies, redirects, rejections) go out through the transport's outbox.
 */
import { composeMessage } from '../mail/compose.js';
import type { DeliveryRules, RuleDecision } from '../mail/delivery.js';
import { decodeWords } from '../mail/mime/index.js';
import { splitHeaderFields } from '../mail/mime/header-parse.js';
import type { MessageIndex } from '../mail/mime/types.js';
import { invalid } from '../errors.js';
import type { MailSettings, Store } from '../../store/types.js';
import { SieveSyntaxError } from './sieve/parse.js';
import { runSieve, validateSieve, type SieveResult, type VacationAction } from './sieve/run.js';
import { mayReply, vacationReply } from './vacation.js';

export interface OutgoingMessage {
  /** Envelope sender ('' for the null sender of auto-replies and rejections). */
  from: string;
  to: string[];
  raw: Buffer;
}

export interface VacationSettings {
  isEnabled: boolean;
  fromDate: string | null;
  toDate: string | null;
  subject: string | null;
  textBody: string | null;
  htmlBody: string | null;
}

export const VACATION_OFF: VacationSettings = { isEnabled: false, fromDate: null, toDate: null, subject: null, textBody: null, htmlBody: null };
const REDIRECT_MARK = 'X-Wardpost-Redirected-By';
const DAY = 24 * 60 * 60 * 1000;

type Log = (err: unknown, msg: string) => void;

export class RulesService implements DeliveryRules {
  private outbox: ((m: OutgoingMessage) => Promise<void>) | null = null;
  private log: Log = () => undefined;

  constructor(
    private readonly store: Store,
    private readonly nationalDomain: string,
  ) {}

  /** Where rule-made messages go (the composition root wires the mail transport here). */
  useOutbox(fn: (m: OutgoingMessage) => Promise<void>, log?: Log): void {
    this.outbox = fn;
    if (log) this.log = log;
  }

  async settings(accountId: number): Promise<MailSettings> {
    return (await this.store.jmap.settings(accountId)) ?? { sieve: '', vacationJson: JSON.stringify(VACATION_OFF), identitiesJson: '{}' };
  }

  private async update(accountId: number, patch: Partial<MailSettings>): Promise<void> {
    await this.store.jmap.setSettings(accountId, { ...(await this.settings(accountId)), ...patch });
  }

  /** Checks a Sieve script (RFC 5228); invalid_input naming the line when it is not valid. */
  validate(script: string): void {
    try {
      validateSieve(script);
    } catch (err) {
      if (err instanceof SieveSyntaxError) throw invalid(`the Sieve script is not valid: ${err.message}`, { line: err.line });
      throw err;
    }
  }

  async setSieve(accountId: number, script: string): Promise<void> {
    this.validate(script);
    await this.update(accountId, { sieve: script });
  }

  async vacation(accountId: number): Promise<VacationSettings> {
    return { ...VACATION_OFF, ...(JSON.parse((await this.settings(accountId)).vacationJson) as Partial<VacationSettings>) };
  }

  async setVacation(accountId: number, v: VacationSettings): Promise<void> {
    await this.update(accountId, { vacationJson: JSON.stringify(v) });
  }

  async identitySettings(accountId: number): Promise<Record<string, Record<string, unknown>>> {
    return JSON.parse((await this.settings(accountId)).identitiesJson) as Record<string, Record<string, unknown>>;
  }

  async setIdentitySettings(accountId: number, all: Record<string, Record<string, unknown>>): Promise<void> {
    await this.update(accountId, { identitiesJson: JSON.stringify(all) });
  }

  /** The DeliveryRules hook: where one recipient's copy goes, and what to send afterwards. */
  async decide(input: Parameters<DeliveryRules['decide']>[0]): Promise<RuleDecision> {
    const keep: RuleDecision = { folders: [{ name: input.folder, flags: [] }] };
    const s = await this.store.jmap.settings(input.accountId);
    if (!s) return keep;
    const vacation = { ...VACATION_OFF, ...(JSON.parse(s.vacationJson) as Partial<VacationSettings>) };
    const now = Date.now();
    const vacationOn = vacation.isEnabled && (!vacation.fromDate || Date.parse(vacation.fromDate) <= now) && (!vacation.toDate || Date.parse(vacation.toDate) > now);
    if (!s.sieve.trim() && !vacationOn) return keep;

    const headers = await this.headers(input.blobHash, input.index, input.inline);
    let result: SieveResult = { keep: true, keepFlags: [], fileinto: [], redirect: [], reject: null, discard: false, vacation: null };
    if (s.sieve.trim()) {
      try {
        result = runSieve(validateSieve(s.sieve), { headers, size: input.size, envelope: { from: input.envelopeFrom, to: input.recipient } });
      } catch (err) {
        // RFC 5228 section 2.10.6: a script that fails at run time keeps the message.
        this.log(err, 'Sieve script failed; message kept');
      }
    }
    if (!result.vacation && vacationOn && !result.reject && !result.discard) {
      result.vacation = { reason: vacation.textBody ?? '', days: 7, subject: vacation.subject, from: null, addresses: [], handle: 'jmap-vacation' };
    }
    const folders = [...(result.keep ? [{ name: input.folder, flags: result.keepFlags }] : []), ...result.fileinto.map((f) => ({ name: f.folder, flags: f.flags }))];
    return {
      folders,
      after: async () => {
        try {
          await this.sideEffects(input, result, headers, vacationOn ? vacation.htmlBody : null);
        } catch (err) {
          this.log(err, 'a rule could not send its message');
        }
      },
    };
  }

  /** Header fields, from the bytes in hand (a small body is not in the store until delivery commits). */
  private async headers(hash: string, index: MessageIndex, inline: Buffer | null): Promise<{ name: string; value: string }[]> {
    const chunks: Buffer[] = [];
    if (inline) chunks.push(inline.subarray(0, index.headerSize));
    else for await (const c of this.store.blobs.get(hash, { start: 0, end: index.headerSize })) chunks.push(c as Buffer);
    return splitHeaderFields(Buffer.concat(chunks)).map((f) => ({ name: f.key, value: decodeWords(f.value) }));
  }

  private async sideEffects(input: Parameters<DeliveryRules['decide']>[0], r: SieveResult, headers: { name: string; value: string }[], html: string | null): Promise<void> {
    if (!this.outbox) return;
    const account = await this.store.accounts.byId(input.accountId);
    if (!account) return;
    const sender = input.envelopeFrom;
    if (r.reject && sender) {
      const raw = await composeMessage({
        from: [{ name: 'Mail Delivery System', email: `mailer-daemon@${this.nationalDomain}` }],
        to: [{ name: null, email: sender }],
        subject: `Rejected: ${input.index.subject}`,
        inReplyTo: input.index.messageId ? [input.index.messageId] : null,
        text: `Your message to ${input.recipient} was rejected by the recipient's rules:\r\n\r\n${r.reject}\r\n`,
        headers: [['Auto-Submitted', 'auto-replied']],
      });
      await this.outbox({ from: '', to: [sender], raw });
    }
    for (const target of r.redirect) {
      // One pass per account: a message already redirected by this account is not redirected again (loop).
      if (headers.some((h) => h.name === REDIRECT_MARK.toLowerCase() && h.value.toLowerCase() === account.address)) continue;
      const original: Buffer[] = [];
      for await (const c of this.store.blobs.get(input.blobHash)) original.push(c as Buffer);
      await this.outbox({ from: sender, to: [target], raw: Buffer.concat([Buffer.from(`${REDIRECT_MARK}: ${account.address}\r\n`), ...original]) });
    }
    if (r.vacation) await this.reply(account.id, account.address, input, r.vacation, headers, html);
  }

  private async reply(accountId: number, address: string, input: Parameters<DeliveryRules['decide']>[0], v: VacationAction, headers: { name: string; value: string }[], html: string | null): Promise<void> {
    const aliases = await this.store.accounts.aliases(accountId);
    const sender = input.envelopeFrom.toLowerCase();
    if (!mayReply({ envelopeFrom: sender, userAddresses: [address, input.recipient, ...aliases, ...v.addresses], headers })) return;
    const last = await this.store.jmap.lastVacationReply(accountId, sender, v.handle);
    if (last !== undefined && Date.now() - last < v.days * DAY) return;
    await this.store.jmap.recordVacationReply(accountId, sender, v.handle, Date.now());
    await this.outbox!({ from: '', to: [sender], raw: await vacationReply(v, address, sender, input.index, html) });
  }
}
