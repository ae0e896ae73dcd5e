/**
 * Folded stacks read in place from their bytes, for `ctrscope flamegraph` on large files: where
 * each line's stack and counts are, the lines in flamegraph.pl's order (whole lines, byte order),
 * and how much of each line the one before it shares. Nothing is decoded here: the layout
 * (src/flame/layout-bytes.ts) decodes only the frames it keeps. The lines are read as FoldedParser
 * reads them (one trailing "\r" dropped, the same count rules, the same lines counted unrecognized).
 *
 * ASCII input only: a byte is then a character, and byte order is code-unit order, so the graph is
 * the one the decoded text gives; anything else (a BOM included) is for FoldedParser.
 * Hand-written for speed: decoding 45 MB into a string, cutting it into lines and comparing
 * them as strings cost about 0.2 s of a 0.35 s run; here lines are compared 8 bytes at a time.
 */
import { isAscii } from 'node:buffer';
import { countStart } from './folded.js';

/** The recognised lines of a folded text, as offsets into its bytes, in flamegraph.pl's order. */
export interface FoldedBytes {
  bytes: Buffer;
  /** Recognised lines (entries). */
  n: number;
  /** Where line i starts in `bytes`. */
  start: Int32Array;
  /** Line i's length as a sort key: without its "\n" and one trailing "\r". */
  keyLen: Int32Array;
  /** Line i's stack length, trailing ";" dropped (Perl's split drops trailing empty frames). */
  stackLen: Int32Array;
  count: Float64Array;
  /** The second count of a "stack BEFORE AFTER" line; NaN for a one-count line. */
  count2: Float64Array;
  /** For i > 0: how many leading bytes line i shares with line i - 1. */
  shared: Int32Array;
  /** Non-empty lines seen, and those that are not "stack COUNT" or "stack COUNT COUNT". */
  lines: number;
  unrecognized: number;
  differential: boolean;
}

/** The number in b[start, end): digits alone added up while exact, anything else as Number() reads it. */
function countAt(b: Buffer, start: number, end: number): number {
  if (end - start > 15) return Number(b.toString('latin1', start, end));
  let n = 0;
  for (let i = start; i < end; i++) {
    const c = b[i]!;
    if (c === 46) return Number(b.toString('latin1', start, end));
    n = n * 10 + (c - 48);
  }
  return n;
}

/**
 * How many leading bytes b[x, x + n) and b[y, y + n) share, 8 at a time: ASCII bytes never make a
 * NaN or a negative zero, so two float64 reads are equal exactly when their bytes are.
 */
function sharedPrefix(b: Buffer, view: DataView, x: number, y: number, n: number): number {
  let i = 0;
  while (i + 16 <= n && view.getFloat64(x + i) === view.getFloat64(y + i) && view.getFloat64(x + i + 8) === view.getFloat64(y + i + 8)) i += 16;
  while (i + 8 <= n && view.getFloat64(x + i) === view.getFloat64(y + i)) i += 8;
  while (i < n && b[x + i] === b[y + i]) i++;
  return i;
}

/** The lines of an ASCII folded text (counts: 2, the flamegraph reading), sorted; null if it is not ASCII. */
export function readFoldedBytes(bytes: Buffer): FoldedBytes | null {
  if (!isAscii(bytes)) return null;
  const b = bytes;
  // Room for lines of 512 bytes on average (folded stacks are long): rarely grown.
  let cap = Math.max(1024, bytes.length >> 9);
  let start = new Int32Array(cap);
  let keyLen = new Int32Array(cap);
  let stackLen = new Int32Array(cap);
  let count = new Float64Array(cap);
  let count2 = new Float64Array(cap);
  let n = 0;
  let lines = 0;
  let unrecognized = 0;
  let differential = false;
  let pos = 0;
  const size = b.length;
  while (pos < size) {
    let nl = b.indexOf(10, pos);
    if (nl === -1) nl = size;
    const s = pos;
    pos = nl + 1;
    const k = nl > s && b[nl - 1] === 13 ? nl - 1 : nl;
    if (k === s) continue;
    lines++;
    const a = countStart(b, s, k);
    if (a < 0) {
      unrecognized++;
      continue;
    }
    if (n === cap) {
      cap *= 2;
      start = grow(start, cap);
      keyLen = grow(keyLen, cap);
      stackLen = grow(stackLen, cap);
      count = grow(count, cap);
      count2 = grow(count2, cap);
    }
    const c = countStart(b, s, a - 1);
    let stackEnd: number;
    if (c < 0) {
      count[n] = countAt(b, a, k);
      count2[n] = NaN;
      stackEnd = a - 1;
    } else {
      differential = true;
      count[n] = countAt(b, c, a - 1);
      count2[n] = countAt(b, a, k);
      stackEnd = c - 1;
    }
    while (stackEnd > s && b[stackEnd - 1] === 59) stackEnd--;
    start[n] = s;
    keyLen[n] = k - s;
    stackLen[n] = stackEnd - s;
    n++;
  }
  const view = new DataView(b.buffer, b.byteOffset, b.byteLength);
  const shared = new Int32Array(n);
  // Most folded files come sorted (stackcollapse scripts and ctrscope print them so), or are a few
  // sorted files one after the other: one pass finds the sorted runs, and what it compared is
  // what the layout needs of lines that stay neighbours.
  const runs: number[] = [0];
  for (let i = 1; i < n; i++) {
    const x = start[i - 1]!;
    const y = start[i]!;
    const lx = keyLen[i - 1]!;
    const ly = keyLen[i]!;
    const m = sharedPrefix(b, view, x, y, lx < ly ? lx : ly);
    shared[i] = m;
    if (m === ly ? lx > ly : m < lx && b[x + m]! > b[y + m]!) runs.push(i);
  }
  const read: FoldedBytes = { bytes, n, start, keyLen, stackLen, count, count2, shared, lines, unrecognized, differential };
  if (runs.length === 1) return read;
  runs.push(n);
  return sortLines(read, view, runs);
}

function grow<T extends Int32Array | Float64Array>(a: T, cap: number): T {
  const out = new (a.constructor as new (n: number) => T)(cap);
  out.set(a);
  return out;
}

/**
 * The lines in byte order (Array.prototype.sort merges the sorted runs). Two lines of one run are
 * in order already: only lines of different runs are compared (most of the bytes compared would
 * otherwise be sort() finding the runs again: neighbours share most of their bytes).
 */
function sortLines(r: FoldedBytes, view: DataView, runs: number[]): FoldedBytes {
  const { bytes: b, n, start, keyLen } = r;
  const run = new Int32Array(n);
  for (let k = 1; k + 1 < runs.length; k++) run.fill(k, runs[k]!, runs[k + 1]!);
  const order: number[] = [];
  for (let i = 0; i < n; i++) order.push(i);
  // Key order, then input order (which a run's lines are in): a total order, so equal lines of
  // different runs, which are interchangeable, need no care.
  order.sort((i, j) => {
    if (run[i] === run[j]) return i - j;
    const x = start[i]!;
    const y = start[j]!;
    const lx = keyLen[i]!;
    const ly = keyLen[j]!;
    const m = sharedPrefix(b, view, x, y, lx < ly ? lx : ly);
    if (m < lx && m < ly) return b[x + m]! - b[y + m]!;
    return lx === ly ? i - j : lx - ly;
  });
  const out: FoldedBytes = {
    ...r,
    start: new Int32Array(n),
    keyLen: new Int32Array(n),
    stackLen: new Int32Array(n),
    count: new Float64Array(n),
    count2: new Float64Array(n),
    shared: new Int32Array(n),
  };
  for (let i = 0; i < n; i++) {
    const j = order[i]!;
    out.start[i] = start[j]!;
    out.keyLen[i] = keyLen[j]!;
    out.stackLen[i] = r.stackLen[j]!;
    out.count[i] = r.count[j]!;
    out.count2[i] = r.count2[j]!;
    // Neighbours already in the input: their shared bytes are known.
    if (i > 0) out.shared[i] = j === order[i - 1]! + 1 ? r.shared[j]! : sharedPrefix(b, view, start[order[i - 1]!]!, start[j]!, Math.min(keyLen[order[i - 1]!]!, keyLen[j]!));
  }
  return out;
}
