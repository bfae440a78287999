/**
 * Result references (RFC 8620 section 3.7): an argument "#name" with {resultOf, name, path} takes
 * its value from an earlier response in the same request, addressed by a JSON Pointer (RFC 6901)
 * extended with "*" to map over arrays.
 */
import { MethodError } from './errors.js';

export interface ResultReference {
  resultOf: string;
  name: string;
  path: string;
}

function isRef(v: unknown): v is ResultReference {
  const r = v as ResultReference;
  return !!r && typeof r === 'object' && typeof r.resultOf === 'string' && typeof r.name === 'string' && typeof r.path === 'string';
}

/** Evaluates a JSON Pointer with the JMAP "*" extension; throws on a path that does not exist. */
export function evaluatePointer(value: unknown, path: string): unknown {
  if (path === '') return value;
  if (!path.startsWith('/')) throw new MethodError('invalidResultReference', `"${path}" is not a JSON Pointer`);
  const tokens = path.slice(1).split('/').map((t) => t.replace(/~1/g, '/').replace(/~0/g, '~'));
  const walk = (v: unknown, i: number): unknown => {
    if (i === tokens.length) return v;
    const t = tokens[i]!;
    if (Array.isArray(v)) {
      if (t === '*') {
        const out: unknown[] = [];
        for (const item of v) {
          const r = walk(item, i + 1);
          if (Array.isArray(r)) out.push(...r);
          else out.push(r);
        }
        return out;
      }
      if (!/^\d+$/.test(t) || Number(t) >= v.length) throw new MethodError('invalidResultReference', `no element ${t} at ${path}`);
      return walk(v[Number(t)], i + 1);
    }
    if (v && typeof v === 'object' && Object.prototype.hasOwnProperty.call(v, t)) return walk((v as Record<string, unknown>)[t], i + 1);
    throw new MethodError('invalidResultReference', `nothing at ${path}`);
  };
  return walk(value, 0);
}

/** Replaces every "#arg" reference in `args` by its value from `responses`. */
export function resolveReferences(args: Record<string, unknown>, responses: readonly [string, Record<string, unknown>, string][]): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(args)) {
    if (!k.startsWith('#')) {
      out[k] = v;
      continue;
    }
    const name = k.slice(1);
    if (Object.prototype.hasOwnProperty.call(args, name)) throw new MethodError('invalidArguments', `both "${name}" and "${k}" given`);
    if (!isRef(v)) throw new MethodError('invalidResultReference', `"${k}" is not a ResultReference`);
    const source = responses.find(([n, , id]) => id === v.resultOf && n === v.name);
    if (!source) throw new MethodError('invalidResultReference', `no "${v.name}" response with call id "${v.resultOf}"`);
    out[name] = evaluatePointer(source[1], v.path);
  }
  return out;
}
