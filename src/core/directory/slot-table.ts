/**
 * Per index slot, the fields every candidate test reads, side by side in one typed array: four
 * 32-bit words a slot (flags, organisation, display-name start, family-name start). A search tests
 * candidates at random slots across the whole directory; with one array per field each test cost
 * a cache miss per field (~160 ns a candidate in a serving process, whose socket work between
 * searches evicts the index from the CPU's caches), with the fields together it costs one.
 */

/** Words per slot. */
export const STRIDE = 4;
/** Word offsets within a slot. */
export const FLAGS = 0;
export const ORG = 1;
export const DISPLAY_START = 2;
export const FAMILY_START = 3;

/** FLAGS: bit 0 alive, bits 1-2 visibility (0 national, 1 organisation, 2 hidden), bits 3+ kind code. */
export const ALIVE = 1;
export const visibilityOf = (flags: number): number => (flags >>> 1) & 3;
export const kindOf = (flags: number): number => flags >>> 3;

export class SlotTable {
  /** STRIDE words per slot. Replaced when it grows: read it afresh after a push. */
  data = new Uint32Array(STRIDE * 1024);
  length = 0;

  /** Appends a live slot; organisation -1 for none; starts are < 2^32 (see startCode). */
  push(visibility: number, kind: number, orgId: number, displayStart: number, familyStart: number): number {
    if ((this.length + 1) * STRIDE > this.data.length) {
      const bigger = new Uint32Array(this.data.length * 2);
      bigger.set(this.data);
      this.data = bigger;
    }
    const b = this.length * STRIDE;
    this.data[b + FLAGS] = ALIVE | (visibility << 1) | (kind << 3);
    this.data[b + ORG] = orgId + 1;
    this.data[b + DISPLAY_START] = displayStart;
    this.data[b + FAMILY_START] = familyStart;
    return this.length++;
  }

  kill(slot: number): void {
    this.data[slot * STRIDE + FLAGS]! &= ~ALIVE;
  }

  alive(slot: number): boolean {
    return (this.data[slot * STRIDE + FLAGS]! & ALIVE) !== 0;
  }

  visibility(slot: number): number {
    return visibilityOf(this.data[slot * STRIDE + FLAGS]!);
  }

  /** The slot's organisation id, or -1. */
  orgId(slot: number): number {
    return this.data[slot * STRIDE + ORG]! - 1;
  }
}
