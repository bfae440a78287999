/** Shared set-up of the CalDAV tests: a real `serve`, accounts made with the CLI, Basic headers, peers. */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { runCli } from '../../helpers/cli.js';
import { REQUIRE_PEERS } from '../../helpers/engines.js';

export const PW = 'Clinic-Rota-Blue-2026';

export const basic = (address: string, password = PW) => ({ authorization: `Basic ${Buffer.from(`${address}:${password}`).toString('base64')}` });

/** Organisations and accounts through the real command line. */
export async function seed(env: Record<string, string>, orgs: string[], users: [address: string, org: string, name: string, kind?: 'shared'][]): Promise<void> {
  for (const o of orgs) {
    const r = await runCli(['org', 'create', o, '--name', `Org ${o}`], { env });
    assert.equal(r.code, 0, r.stderr);
  }
  for (const [address, org, name] of users) {
    const r = await runCli(['user', 'create', address, '--org', org, '--name', name, '--password-stdin'], { env, input: PW });
    assert.equal(r.code, 0, r.stderr);
  }
}

/** Why a peer program cannot run (missing), or null; with WARDPOST_REQUIRE_PEERS=1 missing fails. */
export function peerProblem(cmd: string, pkg: string, check?: string): string | null {
  const ok = spawnSync('sh', ['-c', check ?? `command -v ${cmd}`], { stdio: 'ignore' }).status === 0;
  if (ok) return null;
  const msg = `${cmd} is missing (apt-get install ${pkg})`;
  if (REQUIRE_PEERS) throw new Error(msg);
  return msg;
}

/** A minimal VEVENT resource. */
export function vevent(uid: string, start: string, end: string, extra: string[] = []): string {
  return ['BEGIN:VCALENDAR', 'VERSION:2.0', 'PRODID:-//test//EN', 'BEGIN:VEVENT', `UID:${uid}`, 'DTSTAMP:20260101T000000Z', `DTSTART:${start}`, `DTEND:${end}`, ...extra, 'END:VEVENT', 'END:VCALENDAR', ''].join('\r\n');
}
