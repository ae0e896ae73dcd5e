/**
 * Stacks as sequences of interned frame ids, counted without building a string per sample:
 * the folded text of a stack is made once, the first time it is seen.
 */

const EMPTY = -1;

/** Counts id sequences (a root id, then frame ids); open addressing, grows as needed. */
export class StackTable {
  /** Per stack: offset of its ids in `pool`, their count, root id, total, folded text. */
  private starts = new Int32Array(1024);
  private lengths = new Int32Array(1024);
  private roots = new Int32Array(1024);
  private hashes = new Int32Array(1024);
  private totals = new Float64Array(1024);
  private readonly keys: string[] = [];
  private pool = new Int32Array(1 << 16);
  private poolUsed = 0;
  private slots = new Int32Array(2048).fill(EMPTY);
  size = 0;

  /** Adds `count` to the stack (root, ids[0..n)); makeKey builds its folded text when it is new. */
  add(root: number, ids: Int32Array, n: number, hash: number, count: number, makeKey: () => string): void {
    const mask = this.slots.length - 1;
    let slot = hash & mask;
    for (;;) {
      const e = this.slots[slot];
      if (e === EMPTY) break;
      if (this.hashes[e] === hash && this.roots[e] === root && this.lengths[e] === n && this.sameIds(e, ids, n)) {
        this.totals[e] += count;
        return;
      }
      slot = (slot + 1) & mask;
    }
    const e = this.size++;
    if (e === this.starts.length) this.growEntries();
    if (this.poolUsed + n > this.pool.length) {
      const bigger = new Int32Array(Math.max(this.pool.length * 2, this.poolUsed + n));
      bigger.set(this.pool.subarray(0, this.poolUsed));
      this.pool = bigger;
    }
    this.pool.set(ids.subarray(0, n), this.poolUsed);
    this.starts[e] = this.poolUsed;
    this.poolUsed += n;
    this.lengths[e] = n;
    this.roots[e] = root;
    this.hashes[e] = hash;
    this.totals[e] = count;
    this.keys.push(makeKey());
    this.slots[slot] = e;
    if (this.size * 2 > this.slots.length) this.rehash();
  }

  /** Folded text → total, as a new Map (a snapshot). */
  toMap(): Map<string, number> {
    const map = new Map<string, number>();
    // Different id sequences can fold to the same text (e.g. a frame group that is empty text).
    for (let e = 0; e < this.size; e++) map.set(this.keys[e], (map.get(this.keys[e]) ?? 0) + this.totals[e]);
    return map;
  }

  private sameIds(e: number, ids: Int32Array, n: number): boolean {
    const pool = this.pool;
    const start = this.starts[e];
    for (let i = 0; i < n; i++) if (pool[start + i] !== ids[i]) return false;
    return true;
  }

  private growEntries(): void {
    const grow = <T extends Int32Array | Float64Array>(a: T): T => {
      const b = new (a.constructor as new (n: number) => T)(a.length * 2);
      b.set(a);
      return b;
    };
    this.starts = grow(this.starts);
    this.lengths = grow(this.lengths);
    this.roots = grow(this.roots);
    this.hashes = grow(this.hashes);
    this.totals = grow(this.totals);
  }

  private rehash(): void {
    const slots = new Int32Array(this.slots.length * 2).fill(EMPTY);
    const mask = slots.length - 1;
    for (let e = 0; e < this.size; e++) {
      let slot = this.hashes[e] & mask;
      while (slots[slot] !== EMPTY) slot = (slot + 1) & mask;
      slots[slot] = e;
    }
    this.slots = slots;
  }
}

/** Folds one more id into a stack's running hash. */
export const hashStep = (hash: number, id: number): number => Math.imul(hash ^ id, 0x01000193) ^ (hash >>> 15);
