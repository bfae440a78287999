/**
 * Password policy and hashing. Hashes are argon2id with OWASP's recommended parameters
 * (19 MiB, 2 iterations); the encoded hash carries its parameters so they can be raised later.
 */
import { randomBytes } from 'node:crypto';
import argon2 from 'argon2';
import { WardpostError } from '../errors.js';

export const PASSWORD_POLICY = { minLength: 12, maxLength: 256 } as const;

const COMMON = new Set(['password1234', 'password12345', 'passwordpassword', '123456789012', 'qwertyuiopas', 'letmein12345', 'welcome12345', 'changeme1234', 'nhspassword1', 'administrator']);

/** Throws weak_password with a reason a person can act on. */
export function checkPasswordPolicy(password: string, context: { address?: string; names?: string[] } = {}): void {
  const weak = (why: string) => new WardpostError('weak_password', `password too weak: ${why}`);
  if (password.length < PASSWORD_POLICY.minLength) throw weak(`use at least ${PASSWORD_POLICY.minLength} characters (a phrase of three or four words works well)`);
  if (password.length > PASSWORD_POLICY.maxLength) throw weak(`use at most ${PASSWORD_POLICY.maxLength} characters`);
  const lower = password.toLowerCase();
  if (COMMON.has(lower)) throw weak('it is on the list of commonly used passwords');
  if (new Set(password).size < 5) throw weak('it repeats too few different characters');
  const classes = [/[a-z]/, /[A-Z]/, /[0-9]/, /[^a-zA-Z0-9]/].filter((r) => r.test(password)).length;
  if (password.length < 16 && classes < 3) throw weak('mix upper case, lower case, digits or symbols, or use 16 characters or more');
  const local = context.address?.split('@')[0];
  for (const part of [local, ...(context.names ?? [])]) {
    if (part && part.length >= 4 && lower.includes(part.toLowerCase())) throw weak('it contains your name or address');
  }
}

export function hashPassword(password: string): Promise<string> {
  return argon2.hash(password, { type: argon2.argon2id, memoryCost: 19456, timeCost: 2, parallelism: 1 });
}

export async function verifyPassword(hash: string | null, password: string): Promise<boolean> {
  if (!hash) return false;
  try {
    return await argon2.verify(hash, password);
  } catch {
    return false;
  }
}

/** A one-time password that passes the policy: 4 groups of 5 from an unambiguous alphabet. */
export function oneTimePassword(): string {
  const alphabet = 'abcdefghjkmnpqrstuvwxyzABCDEFGHJKMNPQRSTUVWXYZ23456789';
  const bytes = randomBytes(20);
  const chars = [...bytes].map((b) => alphabet[b % alphabet.length]);
  const groups = [0, 5, 10, 15].map((i) => chars.slice(i, i + 5).join(''));
  return `${groups.join('-')}-9a`;
}
