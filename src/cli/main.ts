#!/usr/bin/env node
/** The `wardpost` command line (CONTRACT.md): one file per command group. */
import { Command } from 'commander';
import { ConfigError, loadConfig } from '../config/config.js';
import { serveForever } from '../app/serve.js';
import { fail } from './io.js';
import { registerDirectoryCommands } from './directory.js';
import { registerOrgCommands } from './org.js';
import { registerUserCommands } from './user.js';
import { registerTransportCommands } from './queue.js';

const program = new Command();
program
  .name('wardpost')
  .description('Wardpost: mail, calendars, directory and SMS for a national health service')
  .showHelpAfterError('(run wardpost --help for usage)')
  .configureOutput({ writeErr: (s) => process.stderr.write(s.startsWith('error:') ? `wardpost: ${s}` : s) })
  .exitOverride((err) => {
    process.exit(err.exitCode === 0 ? 0 : 2);
  });

program
  .command('serve')
  .description('run every service in one process')
  .action(async () => {
    try {
      await serveForever(loadConfig());
    } catch (err) {
      fail(err);
      if (!(err instanceof ConfigError)) process.stderr.write('wardpost: start-up failed; see the message above\n');
      process.exit(1);
    }
  });

registerOrgCommands(program);
registerUserCommands(program);
registerTransportCommands(program);
registerDirectoryCommands(program);

await program.parseAsync(process.argv);
