/** `wardpost user ...`: staff accounts. */
import type { Command } from 'commander';
import { cliActor } from '../core/actor.js';
import type { Account } from '../core/accounts/account-service.js';
import { formatSize } from '../core/accounts/quota.js';
import { print, readStdinSecret, table, withPlatform } from './io.js';

function describe(a: Account): string {
  return table([
    ['address', a.address],
    ['aliases', a.aliases.join(', ') || '-'],
    ['name', a.displayName],
    ['job title', a.jobTitle ?? '-'],
    ['organisation', `${a.org.slug} (${a.org.name})`],
    ['role', a.role],
    ['mobile', a.mobile ?? '-'],
    ['quota', `${formatSize(a.usedBytes)} used of ${formatSize(a.quotaBytes)}`],
    ['status', a.status + (a.mustChangePassword ? ' (must change password)' : '')],
    ['created', a.createdAt],
  ]);
}

export function registerUserCommands(program: Command): void {
  const user = program.command('user').description('staff accounts');

  user
    .command('create <email>')
    .description('add an account; the password is read from standard input')
    .requiredOption('--org <slug>', 'organisation the account belongs to')
    .requiredOption('--name <name>', '"GIVEN FAMILY"')
    .option('--role <role>', 'user, org-admin, helpdesk or national-admin', 'user')
    .option('--quota <size>', 'mailbox quota, e.g. 2G (0 = unlimited)')
    .option('--mobile <number>', 'mobile number, international form (+447700900123)')
    .option('--job-title <title>', 'job title')
    .option('--password-stdin', 'read the password from standard input')
    .option('--json', 'machine-readable output')
    .action(
      (email: string, o: { org: string; name: string; role: string; quota?: string; mobile?: string; jobTitle?: string; passwordStdin?: boolean; json?: boolean }) =>
        withPlatform(async ({ services }) => {
          const password = o.passwordStdin ? await readStdinSecret() : null;
          const a = await services.accounts.create(
            { address: email, orgSlug: o.org, name: o.name, role: o.role, ...(o.quota ? { quota: o.quota } : {}), mobile: o.mobile ?? null, jobTitle: o.jobTitle ?? null, password },
            cliActor(),
          );
          print(!!o.json, a, () => `created ${a.address} in ${a.org.slug}${password === null ? ' (no password set: use wardpost user passwd)' : ''}`);
        }),
    );

  user
    .command('passwd <email>')
    .description('set a password, read from standard input')
    .option('--password-stdin', 'read the password from standard input (the only way)')
    .option('--must-change', 'require a change at next sign-in')
    .action((email: string, o: { mustChange?: boolean }) =>
      withPlatform(async ({ services }) => {
        const password = await readStdinSecret();
        await services.accounts.setPassword(email, password, cliActor(), { mustChange: !!o.mustChange });
        process.stdout.write(`password set for ${email.toLowerCase()}\n`);
      }),
    );

  user
    .command('list')
    .description('list accounts')
    .option('--org <slug>', 'only this organisation')
    .option('--json', 'machine-readable output')
    .action((o: { org?: string; json?: boolean }) =>
      withPlatform(async ({ services }) => {
        const list = await services.accounts.list(o.org ? { orgSlug: o.org } : {});
        print(!!o.json, list, () =>
          table([['ADDRESS', 'NAME', 'ORG', 'ROLE', 'STATUS', 'USED/QUOTA'], ...list.map((a) => [a.address, a.displayName, a.org.slug, a.role, a.status, `${formatSize(a.usedBytes)}/${formatSize(a.quotaBytes)}`])]),
        );
      }),
    );

  user
    .command('show <email>')
    .description('one account')
    .option('--json', 'machine-readable output')
    .action((email: string, o: { json?: boolean }) =>
      withPlatform(async ({ services }) => {
        const a = await services.accounts.show(email);
        print(!!o.json, a, () => describe(a));
      }),
    );

  for (const [name, status, verb] of [
    ['suspend', 'suspended', 'suspended'],
    ['restore', 'active', 'restored'],
  ] as const) {
    user
      .command(`${name} <email>`)
      .description(name === 'suspend' ? 'block sign-in (mail is still received)' : 'lift a suspension')
      .option('--json', 'machine-readable output')
      .action((email: string, o: { json?: boolean }) =>
        withPlatform(async ({ services }) => {
          const a = await services.accounts.setStatus(email, status, cliActor());
          print(!!o.json, a, () => `${a.address} ${verb}`);
        }),
      );
  }
}
