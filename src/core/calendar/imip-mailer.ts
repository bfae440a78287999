/**
 * How iMIP leaves (RFC 6047 section 2): through the same transport as every message, so local
 * recipients get it by local delivery and others through the outbound queue (retries, DKIM with
 * the organiser's domain key, DSNs), never by a side channel.
 */
import { Readable } from 'node:stream';
import { parseAddress } from '../addresses.js';
import type { DeliveryService } from '../mail/delivery.js';
import type { TransportService } from '../transport/transport-service.js';
import type { SchedulingMailer } from './scheduling.js';

export class TransportMailer implements SchedulingMailer {
  constructor(
    private readonly transport: TransportService,
    private readonly delivery: DeliveryService,
  ) {}

  async send(o: { from: string; fromAccountId: number; to: string[]; raw: Buffer }): Promise<void> {
    const local: string[] = [];
    const foreign: { address: string; domain: string }[] = [];
    for (const address of o.to) {
      for (const r of await this.transport.recipients.classify(address)) {
        if (r.kind === 'local') local.push(r.address);
        else foreign.push({ address: r.address, domain: r.domain });
      }
    }
    const domain = parseAddress(o.from).domain;
    const work: Promise<unknown>[] = [];
    if (local.length) work.push(this.delivery.deliver({ source: Readable.from([o.raw]), recipients: [...new Set(local)] }));
    if (foreign.length) {
      work.push(
        this.transport.queue.enqueue({
          source: () => Readable.from([o.raw]),
          sender: o.from,
          senderAccountId: o.fromAccountId,
          recipients: foreign,
          dkimDomain: (await this.transport.recipients.isLocalDomain(domain)) ? domain : null,
        }),
      );
    }
    await Promise.all(work);
  }
}
