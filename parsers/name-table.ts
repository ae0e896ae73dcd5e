/**
 * Byte strings interned to small ids (the same bytes, the same id), kept one after the other in one
 * buffer: the frame names of parsers/folded-trie.ts (a 45 MB folded file holds about a thousand).
 */

/** FNV-1a over b[from, to): NameTable's hash (folded-trie.ts hashes a piece as it looks for its end). */
export function hashBytes(b: Uint8Array, from: number, to: number): number {
  let h = FNV_START;
  for (let i = from; i < to; i++) h = fnvStep(h, b[i]!);
  return h;
}
export const FNV_START = 0x811c9dc5 | 0;
export const fnvStep = (h: number, byte: number): number => Math.imul(h ^ byte, 0x01000193);

export class NameTable {
  /** The names' bytes (ASCII: latin1 reads them), name id i at [start[i], start[i] + length[i]). */
  bytes = Buffer.allocUnsafe(1 << 16);
  start = new Int32Array(1024);
  length = new Int32Array(1024);
  size = 0;
  private hash = new Int32Array(1024);
  /** Open addressing: id + 1, 0 for a free slot; at most half full. */
  private slots = new Int32Array(2048);
  private used = 0;

  /** The id of b[from, to), added if new; h is hashBytes(b, from, to). */
  intern(b: Uint8Array, from: number, to: number, h: number): number {
    const len = to - from;
    const mask = this.slots.length - 1;
    for (let i = h & mask; ; i = (i + 1) & mask) {
      const slot = this.slots[i]!;
      if (slot === 0) break;
      const id = slot - 1;
      if (this.hash[id] === h && this.length[id] === len && this.equal(id, b, from, len)) return id;
    }
    const id = this.size++;
    if (id === this.start.length) {
      this.start = grown(this.start, id * 2);
      this.length = grown(this.length, id * 2);
      this.hash = grown(this.hash, id * 2);
    }
    if (this.used + len > this.bytes.length) {
      const bigger = Buffer.allocUnsafe(Math.max(this.bytes.length * 2, this.used + len));
      this.bytes.copy(bigger, 0, 0, this.used);
      this.bytes = bigger;
    }
    this.bytes.set(b.subarray(from, to), this.used);
    this.start[id] = this.used;
    this.length[id] = len;
    this.hash[id] = h;
    this.used += len;
    if (this.size * 2 > this.slots.length) {
      this.slots = new Int32Array(this.slots.length * 4);
      for (let k = 0; k < this.size; k++) this.place(k);
    } else this.place(id);
    return id;
  }

  /** The id of a name given as text, or -1 if it was never interned. */
  find(name: string): number {
    const b = Buffer.from(name, 'latin1');
    const h = hashBytes(b, 0, b.length);
    const mask = this.slots.length - 1;
    for (let i = h & mask; this.slots[i] !== 0; i = (i + 1) & mask) {
      const id = this.slots[i]! - 1;
      if (this.length[id] === b.length && this.equal(id, b, 0, b.length)) return id;
    }
    return -1;
  }

  text(id: number): string {
    return this.bytes.toString('latin1', this.start[id]!, this.start[id]! + this.length[id]!);
  }

  private equal(id: number, b: Uint8Array, from: number, len: number): boolean {
    const s = this.start[id]!;
    const own = this.bytes;
    for (let k = 0; k < len; k++) if (own[s + k] !== b[from + k]) return false;
    return true;
  }

  private place(id: number): void {
    const mask = this.slots.length - 1;
    let i = this.hash[id]! & mask;
    while (this.slots[i] !== 0) i = (i + 1) & mask;
    this.slots[i] = id + 1;
  }
}

/** A copy of a typed array with room for cap elements. */
export function grown<T extends Int32Array | Float64Array | Uint8Array>(a: T, cap: number): T {
  const out = new (a.constructor as new (n: number) => T)(cap);
  out.set(a);
  return out;
}
