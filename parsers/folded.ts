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

/** One folded line read back: the stack, its count, and for two-count (differential) input the second. */
export interface FoldedEntry {
  /** Frames joined by ";", root first, as written. */
  stack: string;
  count: number;
  /** The second profile's count in "stack BEFORE AFTER" lines (difffolded.pl's output). */
  count2?: number;
  /** The line as a sort key: flamegraph.pl orders whole lines, counts included. */
  key: string;
}

/** What a folded text held. */
export interface FoldedRead {
  entries: FoldedEntry[];
  /** Non-empty lines seen. */
  lines: number;
  /** Non-empty lines that are not "stack COUNT" or "stack COUNT COUNT". */
  unrecognized: number;
  /** Whether any line had two counts. */
  differential: boolean;
}

const isSpace = (c: number) => c === 32 || (c >= 9 && c <= 13);
const isDigit = (c: number) => c >= 48 && c <= 57;

const at = (text: string | Uint8Array, i: number): number => (typeof text === 'string' ? text.charCodeAt(i) : text[i]!);

/**
 * Where the count at the end of text[start, end) begins, or -1: the last whitespace-separated token
 * must be digits with at most one "." after the first digit ("12", "12.", "12.5"; not ".5" or "-3"),
 * and one whitespace character before it ends the stack (more stay in the stack, as flamegraph.pl reads).
 * Text, or ASCII bytes (parsers/folded-trie.ts).
 */
export function countStart(text: string | Uint8Array, start: number, end: number): number {
  let i = end;
  let dot = false;
  while (i > start) {
    const c = at(text, i - 1);
    if (isDigit(c)) i--;
    else if (c === 46 && !dot) {
      dot = true;
      i--;
    } else break;
  }
  if (i === end || i <= start || !isDigit(at(text, i)) || !isSpace(at(text, i - 1))) return -1;
  return i;
}

/**
 * Folded stacks ("a;b;c 12", or "a;b;c 10 12" for a differential) read line by line, whatever the
 * chunk boundaries (feed it through LineSplitter). A line that is neither is counted, never thrown on.
 * A trailing "\r" (a file saved on Windows) is dropped.
 *
 *   containerd;runtime.goexit.abi0;runtime.epollwait.abi0;__schedule 10101010
 *   java;start_thread;java_start;GCTaskThread::run 3 5
 */
export class FoldedParser {
  /** counts: 1 reads "a;b 5 7" as stack "a;b 5", count 7 (one profile's folded file, as difffolded.pl reads it). */
  constructor(private readonly counts: 1 | 2 = 2) {}
  private readonly entries: FoldedEntry[] = [];
  private lines = 0;
  private unrecognized = 0;
  private differential = false;

  line(text: string): void {
    this.lineSpan(text, 0, text.length);
  }

  lineSpan(text: string, start: number, end: number): void {
    if (end > start && text.charCodeAt(end - 1) === 13) end--;
    if (end === start) return;
    this.lines++;
    const a = countStart(text, start, end);
    if (a < 0) {
      this.unrecognized++;
      return;
    }
    const key = start === 0 && end === text.length ? text : text.slice(start, end);
    const last = Number(text.slice(a, end));
    const b = this.counts === 2 ? countStart(text, start, a - 1) : -1;
    if (b < 0) {
      this.entries.push({ stack: key.slice(0, a - 1 - start), count: last, key });
      return;
    }
    this.differential = true;
    this.entries.push({ stack: key.slice(0, b - 1 - start), count: Number(text.slice(b, a - 1)), count2: last, key });
  }

  result(): FoldedRead {
    return { entries: this.entries, lines: this.lines, unrecognized: this.unrecognized, differential: this.differential };
  }
}
