/**
 * Mail address and domain syntax, as Wardpost accepts them for accounts and aliases: a
 * conservative subset of RFC 5321 (dot-atom local part, lower-cased, LDH domain labels).
 */
import { invalid } from './errors.js';

const LOCAL = /^[a-z0-9!#$%&'*+/=?^_`{|}~-]+(\.[a-z0-9!#$%&'*+/=?^_`{|}~-]+)*$/;
const DOMAIN = /^(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)(\.[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)+$/;

export function normaliseDomain(domain: string): string {
  const d = domain.trim().toLowerCase().replace(/\.$/, '');
  if (!DOMAIN.test(d)) throw invalid(`"${domain}" is not a valid mail domain (expected something like trust.example.org)`);
  return d;
}

/** Lower-cases and checks an address; throws invalid_input naming the problem. */
export function parseAddress(address: string): { address: string; local: string; domain: string } {
  const a = address.trim().toLowerCase();
  const at = a.lastIndexOf('@');
  if (at < 1 || at === a.length - 1) throw invalid(`"${address}" is not a mail address (expected name@domain)`);
  const local = a.slice(0, at);
  const domain = a.slice(at + 1);
  if (local.length > 64 || !LOCAL.test(local)) throw invalid(`"${address}" has an invalid local part (letters, digits, dots and !#$%&'*+/=?^_\`{|}~- only, at most 64)`);
  if (!DOMAIN.test(domain)) throw invalid(`"${address}" has an invalid domain`);
  return { address: `${local}@${domain}`, local, domain };
}
