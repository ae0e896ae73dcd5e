/**
 * Two profiles' folded stacks → the two-count folded format a differential flame graph reads
 * ("stack BEFORE AFTER"), with difffolded.pl's options: `normalize` scales the first profile's
 * counts to the second's total (each truncated to a whole count), `stripHex` turns every hex
 * number ("0x7f3a...") into "0x..." so that addresses that move between runs compare equal.
 */
import type { FoldedEntry } from '../../parsers/folded.js';
import { perlNumber } from '../../parsers/folded.js';

export interface DiffOptions {
  normalize: boolean;
  stripHex: boolean;
}

const HEX = /0x[0-9a-fA-F]+/g;

function sumBy(entries: readonly FoldedEntry[], strip: boolean): Map<string, number> {
  const out = new Map<string, number>();
  for (const e of entries) {
    const stack = strip ? e.stack.replace(HEX, '0x...') : e.stack;
    out.set(stack, (out.get(stack) ?? 0) + e.count);
  }
  return out;
}

/** stack → [before, after], every stack of either profile (0 where a profile lacks it). */
export function diffFolded(before: readonly FoldedEntry[], after: readonly FoldedEntry[], opts: DiffOptions): Map<string, [number, number]> {
  const a = sumBy(before, opts.stripHex);
  const b = sumBy(after, opts.stripHex);
  let totalA = 0;
  let totalB = 0;
  for (const v of a.values()) totalA += v;
  for (const v of b.values()) totalB += v;
  const out = new Map<string, [number, number]>();
  for (const [stack, n] of a) out.set(stack, [opts.normalize && totalA > 0 ? Math.trunc((n * totalB) / totalA) : n, 0]);
  for (const [stack, n] of b) {
    const row = out.get(stack);
    if (row) row[1] = n;
    else out.set(stack, [0, n]);
  }
  return out;
}

/** The rows as text, stacks in code-unit order (difffolded.pl prints hash order: any order is its). */
export function renderDiff(rows: ReadonlyMap<string, [number, number]>): string {
  let out = '';
  for (const stack of [...rows.keys()].sort()) {
    const [x, y] = rows.get(stack)!;
    out += `${stack} ${perlNumber(x)} ${perlNumber(y)}\n`;
  }
  return out;
}
