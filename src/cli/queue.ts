/** `wardpost queue ...`, `wardpost domain dkim ...` and `wardpost list ...`: the mail transport. */
import type { Command } from 'commander';
import { cliActor } from '../core/actor.js';
import { invalid, notFound } from '../core/errors.js';
import { print, table, withPlatform } from './io.js';

export function registerTransportCommands(program: Command): void {
  const queue = program.command('queue').description('the outbound mail queue');
  queue
    .command('list')
    .description('messages waiting for (or done with) delivery to other mail servers, with their attempts')
    .option('--status <status>', 'queued, sent, failed or expired')
    .option('--json', 'machine-readable output')
    .action((o: { status?: string; json?: boolean }) =>
      withPlatform(async ({ transport }) => {
        if (o.status && !['queued', 'sent', 'failed', 'expired'].includes(o.status)) throw invalid(`unknown status "${o.status}" (queued, sent, failed or expired)`);
        const items = await transport.queue.list(o.status ? { status: o.status } : {});
        print(!!o.json, items, () =>
          items.length
            ? table([
                ['ID', 'STATUS', 'ATTEMPTS', 'FROM', 'TO', 'NEXT ATTEMPT', 'LAST ERROR'],
                ...items.map((i) => [String(i.id), i.status, String(i.attempts), i.sender || '<>', i.recipient, i.nextAttemptAt ?? '-', i.lastError ?? '-']),
              ])
            : 'the queue is empty',
        );
      }),
    );
  queue
    .command('retry <id>')
    .description('attempt delivery of a queued item now')
    .action((id: string) =>
      withPlatform(async ({ transport }) => {
        if (!/^\d+$/.test(id)) throw invalid(`"${id}" is not a queue id (see: wardpost queue list)`);
        if (!(await transport.queue.retry(Number(id)))) throw notFound(`no queued item has id ${id} (see: wardpost queue list)`);
        process.stdout.write(`queue item ${id} will be attempted at once by the running server\n`);
      }),
    );

  const domain = program.command('domain').description('mail domains');
  domain
    .command('dkim <domain>')
    .description('print the DKIM DNS record of one of our domains (the key is created if it has none)')
    .option('--json', 'machine-readable output')
    .action((d: string, o: { json?: boolean }) =>
      withPlatform(async ({ transport }) => {
        if (!(await transport.recipients.isLocalDomain(d))) throw invalid(`${d} is not one of this platform's domains (see: wardpost org list)`);
        const rec = await transport.dkim.dnsRecord(d);
        print(!!o.json, rec, () => `${rec.name}. IN TXT "${rec.value}"`);
      }),
    );

  const list = program.command('list').description('distribution lists');
  list
    .command('create <address>')
    .description('add a distribution list')
    .requiredOption('--org <slug>', 'organisation the list belongs to')
    .requiredOption('--name <name>', 'name of the list')
    .action((address: string, o: { org: string; name: string }) =>
      withPlatform(async ({ transport }) => {
        await transport.lists.create({ address, orgSlug: o.org, name: o.name }, cliActor());
        process.stdout.write(`created list ${address.toLowerCase()}\n`);
      }),
    );
  list
    .command('add <address> <member...>')
    .description('add members (addresses) to a list')
    .action((address: string, members: string[]) =>
      withPlatform(async ({ transport }) => {
        for (const m of members) await transport.lists.addMember(address, m, cliActor());
        process.stdout.write(`${members.length} member(s) added to ${address.toLowerCase()}\n`);
      }),
    );
}
