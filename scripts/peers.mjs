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
  ['swaks', 'swaks', 'SMTP tests: MX delivery, submission, AUTH'],
  // swaks needs these Perl modules for STARTTLS/implicit TLS and AUTH; --no-install-recommends leaves them out.
  ['perl-io-socket-ssl', 'libio-socket-ssl-perl', 'swaks over TLS', 'perl -MIO::Socket::SSL -MNet::SSLeay -e 1'],
  ['perl-authen-sasl', 'libauthen-sasl-perl', 'swaks AUTH LOGIN/CRAM', 'perl -MAuthen::SASL -e 1'],
  ['smtp-source', 'postfix', 'SMTP load generator (kill -9 test, bench/smtp-inbound)'],
  ['smtp-sink', 'postfix', 'bench/smtp-inbound: Postfix beside Wardpost'],
  ['mbsync', 'isync', 'IMAP tests: two-way Maildir sync'],
  ['/usr/bin/python3', 'python3', 'IMAP tests: Python imaplib (the system python3, not a pyenv one)'],
  ['/usr/sbin/dovecot', 'dovecot-imapd', 'bench/imap: Dovecot beside Wardpost'],
  ['/usr/sbin/slapd', 'slapd', 'bench/ldap: OpenLDAP beside Wardpost'],
  ['ldapsearch', 'ldap-utils', 'LDAP tests: searches, binds and paging against the directory'],
  ['vdirsyncer', 'vdirsyncer', 'CardDAV tests: discovery and two-way sync of the directory address book'],
  ['/usr/bin/chromium', 'chromium', 'portal browser tests'],
  ['python3-caldav', 'python3-caldav', 'CalDAV tests: discovery, events, time-range search, recurrence, sync', '/usr/bin/python3 -c "import caldav"'],
  ['litmus', 'litmus', 'CalDAV tests: the WebDAV basic and props suites'],
  ['khal', 'khal', 'CalDAV tests: a calendar program over a vdirsyncer two-way sync'],
];

// An optional fourth element is a shell check for peers that are not commands (Perl modules).
const has = (cmd, check) => spawnSync('sh', ['-c', check ?? `command -v ${cmd}`], { stdio: 'ignore' }).status === 0;

export function ensurePeers() {
  let missing = PEERS.filter(([cmd, , , check]) => !has(cmd, check));
  if (missing.length && process.getuid?.() === 0) {
    const pkgs = [...new Set(missing.map(([, pkg]) => pkg))];
    console.error(`installing test peers from Debian: ${pkgs.join(' ')}`);
    spawnSync('apt-get', ['update', '-qq'], { stdio: 'inherit' });
    // Postfix is only a load generator and a benchmark peer here: install it unconfigured, without questions.
    if (pkgs.includes('postfix')) spawnSync('sh', ['-c', "echo 'postfix postfix/main_mailer_type select No configuration' | debconf-set-selections"], { stdio: 'inherit' });
    spawnSync('apt-get', ['install', '-y', '-qq', '--no-install-recommends', ...pkgs], { stdio: 'inherit', env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' } });
    missing = PEERS.filter(([cmd, , , check]) => !has(cmd, check));
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
