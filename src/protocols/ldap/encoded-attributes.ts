/**
 * An entry's attributes read back from its BER encoding (see encoded.ts), so a cached entry keeps
 * one buffer instead of a map of value arrays beside it (about 3 KB less per entry, which is what
 * lets the directory's entry cache hold a large share of the country). Values are decoded when a
 * filter first tests an attribute (filter-eval.ts keeps the normalised values it needs), or when a
 * response leaves values out (typesOnly): both rare next to sending the bytes as they are.
 */
import { attributeId } from './attributes.js';
import type { Attr, LdapEntry } from './entries.js';
import { encodedEntry, type EncodedEntry } from './encoded.js';
import { BerReader, TAG } from './proto/ber.js';

class EncodedAttributes implements ReadonlyMap<string, Attr> {
  constructor(
    private readonly ber: EncodedEntry,
    /** The lower-case canonical name of each attribute, in entry order (shared between entries). */
    private readonly keyOf: (id: number) => string,
  ) {}

  get size(): number {
    return this.ber.spans.length / 2;
  }

  private find(key: string): number {
    const s = this.ber.spans;
    let id: number;
    try {
      id = attributeId(key);
    } catch {
      return -1;
    }
    for (let i = 0; i < s.length; i += 2) if (s[i] === id) return i;
    return -1;
  }

  private decode(i: number): Attr {
    const { bytes, spans, dnEnd } = this.ber;
    const start = i === 0 ? dnEnd : spans[i - 1]!;
    const r = new BerReader(bytes.subarray(start, spans[i + 1]!));
    const seq = new BerReader(r.expect(TAG.SEQUENCE, 'attribute').value);
    const type = seq.expect(TAG.OCTET_STRING, 'type').value.toString('utf8');
    const set = new BerReader(seq.expect(TAG.SET, 'values').value);
    const values: string[] = [];
    while (!set.done) values.push(set.expect(TAG.OCTET_STRING, 'value').value.toString('utf8'));
    return { type, values };
  }

  has(key: string): boolean {
    return this.find(key) >= 0;
  }

  get(key: string): Attr | undefined {
    const i = this.find(key);
    return i < 0 ? undefined : this.decode(i);
  }

  *entries(): MapIterator<[string, Attr]> {
    const s = this.ber.spans;
    for (let i = 0; i < s.length; i += 2) yield [this.keyOf(s[i]!), this.decode(i)];
  }

  *keys(): MapIterator<string> {
    for (const [k] of this.entries()) yield k;
  }

  *values(): MapIterator<Attr> {
    for (const [, v] of this.entries()) yield v;
  }

  [Symbol.iterator](): MapIterator<[string, Attr]> {
    return this.entries();
  }

  forEach(fn: (value: Attr, key: string, map: ReadonlyMap<string, Attr>) => void): void {
    for (const [k, v] of this.entries()) fn(v, k, this);
  }
}

const KEYS: string[] = [];

/**
 * Encodes an entry (if not yet) and lets its attributes be read from the encoding alone: the
 * entry keeps its DN, its BER and nothing else of size. For entries kept long (the caches).
 */
export function compactEntry(entry: LdapEntry): LdapEntry {
  if (entry.attrs instanceof EncodedAttributes) return entry;
  for (const key of entry.attrs.keys()) KEYS[attributeId(key)] = key;
  const ber = encodedEntry(entry);
  entry.attrs = new EncodedAttributes(ber, (id) => KEYS[id]!);
  return entry;
}
