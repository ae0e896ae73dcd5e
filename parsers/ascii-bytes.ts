/** Byte helpers for ASCII text read in place (parsers/folded-trie.ts): where two runs of bytes part, a number's value. */

/**
 * How many leading bytes b[x, x + n) and b[y, y + n) share, 8 at a time: ASCII bytes never make a
 * NaN or a negative zero, so two float64 reads are equal exactly when their bytes are.
 */
export function sharedPrefix(b: Uint8Array, view: DataView, x: number, y: number, n: number): number {
  let i = 0;
  while (i + 16 <= n && view.getFloat64(x + i) === view.getFloat64(y + i) && view.getFloat64(x + i + 8) === view.getFloat64(y + i + 8)) i += 16;
  while (i + 8 <= n && view.getFloat64(x + i) === view.getFloat64(y + i)) i += 8;
  while (i < n && b[x + i] === b[y + i]) i++;
  return i;
}

/** The number in b[start, end): digits alone added up while exact, anything else as Number() reads it. */
export function countAt(b: Buffer, start: number, end: number): number {
  if (end - start > 15) return Number(b.toString('latin1', start, end));
  let n = 0;
  for (let i = start; i < end; i++) {
    const c = b[i]!;
    if (c === 46) return Number(b.toString('latin1', start, end));
    n = n * 10 + (c - 48);
  }
  return n;
}
