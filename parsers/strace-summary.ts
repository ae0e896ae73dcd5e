/**
 * The table `strace -c` prints (and `-C` appends to the trace), with or without -w:
 *
 *   % time     seconds  usecs/call     calls    errors syscall
 *   ------ ----------- ----------- --------- --------- ------------------
 *    74.93   25.330016        1004     25211      3190 futex
 *     0.02    0.005204          30       170           dup3
 *   ------ ----------- ----------- --------- --------- ------------------
 *   100.00   33.804749         579     58370      5787 total
 *
 * The errors column is blank when a syscall had none (strace prints it with "%.0u"), so rows are cut
 * by the dash runs of the divider line, not split on spaces. `-U` picks other columns (shortest,
 * longest ...); another table follows for each other personality, after
 * "System call usage summary for 32 bit mode:". On stderr, "strace: Process N attached" lines come
 * first. Anything else is counted as unrecognized.
 */
import type { LineParser } from './lines.js';

/** One row of the table. A column the table did not have is null. */
export interface SummaryRow {
  syscall: string;
  calls: number;
  errors: number;
  seconds: number | null;
  percent: number | null;
  usecsPerCall: number | null;
  /** -U shortest / longest, in seconds. */
  minSeconds: number | null;
  maxSeconds: number | null;
}

export interface SummaryTable {
  /** null for the native personality, else e.g. "32 bit" from "System call usage summary for 32 bit mode:". */
  mode: string | null;
  /** Column titles as printed: ["% time", "seconds", "usecs/call", "calls", "errors", "syscall"]. */
  columns: string[];
  rows: SummaryRow[];
  total: SummaryRow | null;
}

export interface StraceSummaryResult {
  lines: number;
  unrecognized: number;
  tables: SummaryTable[];
}

type Field = keyof Omit<SummaryRow, 'syscall'> | 'syscall' | 'ignored';

/** Every column title strace 6.x can print, and the row field it fills. */
const TITLES: Record<string, Field> = {
  '% time': 'percent',
  seconds: 'seconds',
  'usecs/call': 'usecsPerCall',
  calls: 'calls',
  errors: 'errors',
  syscall: 'syscall',
  shortest: 'minSeconds',
  longest: 'maxSeconds',
  // Newer strace (6.3+) -U wall-clock columns: read, not mapped.
  'wall-total': 'ignored',
  'wall-min': 'ignored',
  'wall-max': 'ignored',
  'wall-avg': 'ignored',
};

/** Splits a header line into column titles ("% time" is one title); null if one is unknown. */
export function summaryTitles(line: string): string[] | null {
  const words = line.trim().split(/ +/);
  const out: string[] = [];
  for (let i = 0; i < words.length; i++) {
    let w = words[i]!;
    if (w === '%' && words[i + 1] === 'time') {
      w = '% time';
      i++;
    }
    if (!(w in TITLES)) return null;
    out.push(w);
  }
  return out.length >= 2 && out.includes('syscall') ? out : null;
}

/** True for a summary table's header line. */
export function isSummaryHeader(line: string): boolean {
  return summaryTitles(line) !== null;
}

/**
 * Detector: a summary header comes within the first few meaningful lines. strace -c can print a
 * trace line or two first (a call cut by the detach: "5745  ???( <detached ...>") and, on stderr,
 * its "strace: Process N attached" messages.
 */
export function looksLikeStraceSummary(lines: readonly string[]): boolean {
  let other = 0;
  for (const l of lines) {
    if (l.trim() === '' || l.startsWith('strace: ') || l.startsWith('System call usage summary for ')) continue;
    if (isSummaryHeader(l)) return true;
    if (++other > 3) return false;
  }
  return false;
}

const emptyRow = (syscall: string): SummaryRow => ({
  syscall,
  calls: 0,
  errors: 0,
  seconds: null,
  percent: null,
  usecsPerCall: null,
  minSeconds: null,
  maxSeconds: null,
});

export class StraceSummaryParser implements LineParser<StraceSummaryResult> {
  private lineCount = 0;
  private unrecognized = 0;
  private readonly tables: SummaryTable[] = [];
  private mode: string | null = null;
  private table: SummaryTable | null = null;
  /** [start, end) of each column, from the divider under the header. */
  private spans: Array<[number, number]> | null = null;
  /** 0: want header, 1: want divider, 2: rows, 3: total row, 4: table done. */
  private state = 0;

  line(raw: string): void {
    this.lineCount++;
    const text = raw.endsWith('\r') ? raw.slice(0, -1) : raw;
    if (text.trim() === '') return;
    // strace: Process 3026 attached with 10 threads
    if (text.startsWith('strace: ')) return;
    // System call usage summary for 32 bit mode:
    if (text.startsWith('System call usage summary for ')) {
      this.mode = text.slice(30).replace(/ mode:$/, '');
      this.state = 0;
      return;
    }
    const titles = summaryTitles(text);
    if (titles !== null) {
      this.table = { mode: this.mode, columns: titles, rows: [], total: null };
      this.tables.push(this.table);
      this.mode = null;
      this.spans = null;
      this.state = 1;
      return;
    }
    if (this.state === 1 || this.state === 2) {
      if (isDivider(text)) {
        if (this.state === 1) {
          this.spans = dividerSpans(text);
          if (this.spans.length !== this.table!.columns.length) {
            this.unrecognized++;
            this.state = 0;
          } else this.state = 2;
        } else this.state = 3;
        return;
      }
      if (this.state === 2) {
        const row = this.row(text);
        if (row) this.table!.rows.push(row);
        else this.unrecognized++;
        return;
      }
    }
    if (this.state === 3) {
      const row = this.row(text);
      if (row && row.syscall === 'total') {
        this.table!.total = row;
        this.state = 4;
        return;
      }
    }
    this.unrecognized++;
  }

  /** False once a table's total row has been read (until another table starts). */
  expectsMore(): boolean {
    return this.state !== 4;
  }

  /** Whether a line belongs to summary output even after a total row: another table, a message. */
  continues(text: string): boolean {
    return text.trim() === '' || text.startsWith('strace: ') || text.startsWith('System call usage summary for ') || isSummaryHeader(text);
  }

  /** Cuts a row by the divider's column spans; null if a number does not read. */
  private row(text: string): SummaryRow | null {
    const spans = this.spans!;
    const cols = this.table!.columns;
    const row = emptyRow('');
    for (let k = 0; k < spans.length; k++) {
      const [s, e] = spans[k]!;
      const last = k === spans.length - 1;
      const cell = (last ? text.slice(s) : text.slice(s, e)).trim();
      const field = TITLES[cols[k]!]!;
      if (field === 'syscall') {
        if (cell === '' || cell.includes(' ')) return null;
        row.syscall = cell;
        continue;
      }
      if (field === 'ignored') continue;
      if (cell === '') {
        if (field === 'errors') continue; // "%.0u": blank means 0
        return null;
      }
      const n = Number(cell);
      if (!Number.isFinite(n)) return null;
      row[field] = n;
    }
    return row.syscall === '' ? null : row;
  }

  result(): StraceSummaryResult {
    return { lines: this.lineCount, unrecognized: this.unrecognized, tables: this.tables };
  }
}

function isDivider(text: string): boolean {
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c !== 45 && c !== 32) return false;
  }
  return text.includes('--');
}

function dividerSpans(text: string): Array<[number, number]> {
  const spans: Array<[number, number]> = [];
  let i = 0;
  while (i < text.length) {
    while (i < text.length && text.charCodeAt(i) === 32) i++;
    const s = i;
    while (i < text.length && text.charCodeAt(i) === 45) i++;
    if (i > s) spans.push([s, i]);
  }
  return spans;
}
