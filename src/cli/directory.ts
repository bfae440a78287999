/** `wardpost directory ...`: bulk import and export, search, and a synthetic generator. */
import { once } from 'node:events';
import { createReadStream, createWriteStream, existsSync } from 'node:fs';
import type { Command } from 'commander';
import { cliActor } from '../core/actor.js';
import { DirectoryImporter, type ImportProgress } from '../core/directory/csv-import.js';
import { CSV_HEADER, syntheticDirectory } from '../core/directory/synthetic.js';
import { invalid } from '../core/errors.js';
import { print, table, withPlatform } from './io.js';

function progressLine(p: ImportProgress): string {
  const rate = p.elapsedMs ? Math.round((p.rows / p.elapsedMs) * 1000) : 0;
  return `  ${p.rows.toLocaleString('en-GB')} rows  +${p.added} added  ${p.updated} updated  ${p.unchanged} unchanged  ${p.rejected} rejected  (${rate.toLocaleString('en-GB')} rows/s)`;
}

const cell = (v: string | null | undefined) => (v == null ? '' : /[",\n]/.test(v) ? `"${v.replace(/"/g, '""')}"` : v);

export function registerDirectoryCommands(program: Command): void {
  const dir = program.command('directory').description('the national directory');

  dir
    .command('import <file>')
    .description('bulk-load directory entries (people and organisations) from CSV; safe to re-run')
    .option('--json', 'machine-readable summary')
    .action((file: string, o: { json?: boolean }) =>
      withPlatform(async ({ store, services }) => {
        if (!existsSync(file)) throw invalid(`${file} does not exist`);
        const importer = new DirectoryImporter(store, services.orgs, services.directory);
        const interactive = process.stderr.isTTY;
        const summary = await importer.import(createReadStream(file), {
          actor: cliActor(),
          progressEvery: 20_000,
          onProgress: (p) => process.stderr.write(interactive ? `\r${progressLine(p)}` : `${progressLine(p)}\n`),
        });
        if (interactive) process.stderr.write('\n');
        print(!!o.json, summary, () =>
          [
            `imported ${file}: ${summary.rows} rows in ${(summary.elapsedMs / 1000).toFixed(1)} s`,
            `  added ${summary.added}, updated ${summary.updated}, unchanged ${summary.unchanged}, rejected ${summary.rejected}`,
            ...summary.rejections.slice(0, 50).map((r) => `  line ${r.line}${r.key ? ` (${r.key})` : ''}: ${r.reason}`),
            ...(summary.rejected > 50 ? [`  ... and ${summary.rejected - 50} more (use --json for the first 1000)`] : []),
          ].join('\n'),
        );
        if (summary.rejected) process.exitCode = 3; // finished, but not every row went in
      }),
    );

  dir
    .command('export')
    .description('write every entry as CSV (the import format) to standard output or --out FILE')
    .option('--out <file>', 'write to a file instead of standard output')
    .action((o: { out?: string }) =>
      withPlatform(async ({ store }) => {
        const out = o.out ? createWriteStream(o.out) : process.stdout;
        const orgs = new Map((await store.orgs.list()).map((x) => [x.id, x]));
        out.write(`${CSV_HEADER}\n`);
        let after = 0;
        for (;;) {
          const page = await store.directory.scan(after, 5000);
          if (!page.length) break;
          for (const r of page) {
            const org = r.org_id === null ? undefined : orgs.get(Number(r.org_id));
            const isOrg = r.source_key.startsWith('org:');
            const parent = isOrg && org?.parent_id != null ? orgs.get(Number(org.parent_id))?.slug : '';
            const key = isOrg ? org?.slug : r.source_key.replace(/^csv:/, '');
            const line = [key, r.kind, r.given_name, r.family_name, r.display_name, r.job_title, r.role, r.specialty, r.department, isOrg ? '' : org?.slug, r.site, r.address, r.phone_desk, r.phone_mobile, r.phone_pager, r.email, r.registration, r.national_code, r.visibility, parent, isOrg ? org?.kind : ''];
            if (!out.write(`${line.map(cell).join(',')}\n`)) await once(out, 'drain');
          }
          after = Number(page[page.length - 1]!.id);
        }
        if (o.out) await new Promise<void>((res) => (out as NodeJS.WritableStream).end(res));
      }),
    );

  dir
    .command('search [words...]')
    .description('search the directory as a national administrator would')
    .option('--org <slug>', 'only this organisation and everything beneath it')
    .option('--role <role>', 'only this role')
    .option('--specialty <specialty>', 'only this specialty')
    .option('--limit <n>', 'results per page', '20')
    .option('--json', 'machine-readable output')
    .action((words: string[], o: { org?: string; role?: string; specialty?: string; limit: string; json?: boolean }) =>
      withPlatform(async ({ services }) => {
        const res = await services.directory.search(
          { accountId: null, orgId: null, national: true },
          { text: words.join(' '), limit: Number(o.limit), ...(o.org ? { scope: o.org } : {}), ...(o.role ? { role: o.role } : {}), ...(o.specialty ? { specialty: o.specialty } : {}) },
        );
        print(!!o.json, res, () =>
          [
            `${res.total} found (${res.tookMs.toFixed(1)} ms)`,
            table([['NAME', 'TITLE', 'ORGANISATION', 'EMAIL'], ...res.entries.map((e) => [e.displayName, e.jobTitle ?? '', e.org?.name ?? '', e.email ?? ''])]),
          ].join('\n'),
        );
      }),
    );

  dir
    .command('generate')
    .description('write a synthetic national directory as CSV, for tests and demos')
    .option('--people <n>', 'how many staff', '10000')
    .option('--seed <n>', 'random seed', '42')
    .option('--out <file>', 'write to a file instead of standard output')
    .action(async (o: { people: string; seed: string; out?: string }) => {
      const out = o.out ? createWriteStream(o.out) : process.stdout;
      for (const line of syntheticDirectory({ people: Number(o.people), seed: Number(o.seed) })) {
        if (!out.write(`${line}\n`)) await once(out, 'drain');
      }
      if (o.out) await new Promise<void>((res) => (out as NodeJS.WritableStream).end(res));
    });
}
