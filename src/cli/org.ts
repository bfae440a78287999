/** `wardpost org ...`: the organisation tree. */
import type { Command } from 'commander';
import { cliActor } from '../core/actor.js';
import { print, table, withPlatform } from './io.js';

const collect = (v: string, prev: string[]) => [...prev, v];

export function registerOrgCommands(program: Command): void {
  const org = program.command('org').description('organisations (tenants) and their tree');

  org
    .command('create <slug>')
    .description('add an organisation')
    .requiredOption('--name <name>', 'full name, e.g. "Royal Example Hospital NHS Trust"')
    .option('--parent <slug>', 'parent organisation in the tree')
    .option('--domain <domain>', 'a mail domain of its own (repeatable)', collect, [])
    .option('--kind <kind>', 'region, trust, site, department, practice, pharmacy, dentist, optician, council or organisation')
    .option('--national-code <code>', 'national organisation code (e.g. ODS code)')
    .option('--json', 'machine-readable output')
    .action((slug: string, o: { name: string; parent?: string; domain: string[]; kind?: string; nationalCode?: string; json?: boolean }) =>
      withPlatform(async ({ services }) => {
        const created = await services.orgs.create(
          { slug, name: o.name, parent: o.parent ?? null, domains: o.domain, ...(o.kind ? { kind: o.kind } : {}), nationalCode: o.nationalCode ?? null },
          cliActor(),
        );
        print(!!o.json, created, () => `created organisation ${created.slug} (${created.name})${created.domains.length ? ` with ${created.domains.join(', ')}` : ''}`);
      }),
    );

  org
    .command('list')
    .description('list organisations')
    .option('--json', 'machine-readable output')
    .action((o: { json?: boolean }) =>
      withPlatform(async ({ services }) => {
        const orgs = await services.orgs.list();
        print(!!o.json, orgs, () =>
          table([['SLUG', 'NAME', 'KIND', 'PARENT', 'DOMAINS'], ...orgs.map((x) => [x.slug, x.name, x.kind, x.parentSlug ?? '-', x.domains.join(',') || '-'])]),
        );
      }),
    );

  org
    .command('show <slug>')
    .description('one organisation')
    .option('--json', 'machine-readable output')
    .action((slug: string, o: { json?: boolean }) =>
      withPlatform(async ({ services }) => {
        const x = await services.orgs.get(slug);
        print(!!o.json, x, () => table(Object.entries(x).map(([k, v]) => [k, Array.isArray(v) ? v.join(', ') : String(v ?? '-')])));
      }),
    );
}
