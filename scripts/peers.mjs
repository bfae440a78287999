#!/usr/bin/env node
// Real peers the tests drive, from Debian's packages: command -> package. `npm test` calls
// ensurePeers() first: when running as root it installs what is missing (apt-get), otherwise it
// names the missing packages. With WARDPOST_REQUIRE_PEERS=1 a peer still missing is a failure.
// Add a line here when a test starts using a new peer.
import { spawnSync } from 'node:child_process';

export const PEERS = [
  // [command to look for, Debian package, what for]
  ['pg_isready', 'postgresql-client', 'checks the PostgreSQL store engine is up'],
  ['psql', 'postgresql-client', 'PostgreSQL store tests'],
];

const has = (cmd) => spawnSync('sh', ['-c', `command -v ${cmd}`], { stdio: 'ignore' }).status === 0;

export function ensurePeers() {
  let missing = PEERS.filter(([cmd]) => !has(cmd));
  if (missing.length && process.getuid?.() === 0) {
    const pkgs = [...new Set(missing.map(([, pkg]) => pkg))];
    console.error(`installing test peers from Debian: ${pkgs.join(' ')}`);
    spawnSync('apt-get', ['update', '-qq'], { stdio: 'inherit' });
    spawnSync('apt-get', ['install', '-y', '-qq', '--no-install-recommends', ...pkgs], { stdio: 'inherit', env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' } });
    missing = PEERS.filter(([cmd]) => !has(cmd));
  }
  if (missing.length) {
    const list = missing.map(([cmd, pkg, why]) => `  ${cmd} (apt-get install ${pkg}): ${why}`).join('\n');
    const msg = `missing test peers:\n${list}`;
    if (process.env.WARDPOST_REQUIRE_PEERS === '1') {
      console.error(`${msg}\nWARDPOST_REQUIRE_PEERS=1: a missing peer is a failure.`);
      process.exit(1);
    }
    console.error(`${msg}\ntests that need them will say so and skip.`);
  }
}

if (import.meta.url === `file://${process.argv[1]}`) ensurePeers();
