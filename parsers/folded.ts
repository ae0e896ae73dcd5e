/**
 * Folded stacks, the text flamegraph.pl reads: one "root;caller;callee COUNT" line per stack,
 * sorted as FlameGraph's stackcollapse scripts print them (Perl's `sort { $a cmp $b }`).
 *
 *   containerd;runtime.goexit.abi0;runtime.epollwait.abi0;__schedule 10101010
 */

/**
 * Renders stack → count as folded text, keys in code-unit order: byte order for latin1-decoded
 * text, as Perl compares bytes. Any producer (perf script, bpftrace stack maps, pprof) can use it.
 */
export function renderFolded(stacks: ReadonlyMap<string, number>): string {
  const keys = Array.from(stacks.keys()).sort();
  let out = '';
  for (const key of keys) out += key + ' ' + perlNumber(stacks.get(key)!) + '\n';
  return out;
}

/**
 * A count as Perl prints it: integers in full up to 2^64 (JS is exact only to 2^53), larger or
 * fractional values with "%.15g".
 */
export function perlNumber(n: number): string {
  if (Number.isInteger(n) && Math.abs(n) < 2 ** 64) return n.toFixed(0);
  if (!Number.isFinite(n)) return Number.isNaN(n) ? 'NaN' : n > 0 ? 'Inf' : '-Inf';
  const exp = Math.floor(Math.log10(Math.abs(n)));
  if (exp < -4 || exp >= 15) {
    const [mant, e] = n.toExponential(14).split('e');
    const sign = e[0] === '-' ? '-' : '+';
    const digits = e.slice(1).padStart(2, '0');
    return `${trimZeros(mant)}e${sign}${digits}`;
  }
  return trimZeros(n.toPrecision(15));
}

const trimZeros = (s: string): string => (s.indexOf('.') === -1 ? s : s.replace(/\.?0+$/, ''));
