import { userInfo } from 'node:os';

/** Who is doing something, and from where: recorded in the audit log with every change. */
export interface Actor {
  kind: 'cli' | 'account' | 'system' | 'token';
  /** Human-readable: an address, "cli:root", "system:delivery". */
  label: string;
  accountId: number | null;
  ip: string | null;
}

export const SYSTEM_ACTOR: Actor = { kind: 'system', label: 'system', accountId: null, ip: null };

export function cliActor(user = safeUserName()): Actor {
  return { kind: 'cli', label: `cli:${user}`, accountId: null, ip: null };
}

function safeUserName(): string {
  try {
    return userInfo().username;
  } catch {
    return 'unknown';
  }
}
