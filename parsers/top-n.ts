/** The N items with the largest keys seen so far: a bounded min-heap, O(log N) per accepted item. */
export class TopN<T> {
  private readonly keys: number[] = [];
  private readonly items: T[] = [];
  constructor(readonly size: number) {}

  /** Whether an item with this key would be kept: test it before building the item. */
  wants(key: number): boolean {
    return this.size > 0 && (this.keys.length < this.size || key > this.keys[0]!);
  }

  push(key: number, item: T): void {
    if (!this.wants(key)) return;
    const k = this.keys;
    const v = this.items;
    let i: number;
    if (k.length < this.size) {
      i = k.length;
      k.push(key);
      v.push(item);
      while (i > 0) {
        const p = (i - 1) >> 1;
        if (k[p]! <= key) break;
        k[i] = k[p]!;
        v[i] = v[p]!;
        i = p;
      }
    } else {
      // Replace the smallest (the root) and sift down.
      i = 0;
      const n = k.length;
      for (;;) {
        const l = 2 * i + 1;
        if (l >= n) break;
        const r = l + 1;
        const m = r < n && k[r]! < k[l]! ? r : l;
        if (k[m]! >= key) break;
        k[i] = k[m]!;
        v[i] = v[m]!;
        i = m;
      }
    }
    k[i] = key;
    v[i] = item;
  }

  /** Items, largest key first. */
  sorted(): T[] {
    return this.keys
      .map((key, i) => ({ key, item: this.items[i]! }))
      .sort((a, b) => b.key - a.key)
      .map((e) => e.item);
  }
}
