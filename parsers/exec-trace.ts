/**
 * The output of probes/container-start.bt (bpftrace, text mode): one clock line, then one
 * line per exec of a process in containerd's family.
 *
 *   Attaching 2 probes...
 *   C 616190055724 1795669047.990332
 *   E 529823179358 5136 3026 /usr/bin/containerd-shim-runc-v2
 *   E 529837130535 5162 5152 /proc/self/exe
 *   E 529858106261 5164 5143 /bin/echo
 *
 * C: bpftrace's clock (nsecs, monotonic) and the same instant on the wall clock ("%s.%f",
 *    microseconds), so containerd's wall-clock event times can be put on the exec timeline.
 * E: nsecs, pid, parent's pid, the file exec'd (may hold spaces: the rest of the line).
 *
 * probes/live-kernel.bt prints the clock line in JSON mode as a printf record (execPrintf reads it,
 * and E lines printed the same way), and the execs as a map printed every 2 s with its other maps,
 * keyed nsecs, pid, ppid, file (execMap reads it):
 *   {"type": "map", "data": {"@ex_1": {"529858106261,5164,5143,/bin/echo": 1, ...}}}
 */
import { parseBpftraceLine } from './bpftrace-json.js';
import type { LineParser } from './lines.js';

export interface ExecRecord {
  /** Monotonic ns (bpftrace nsecs). */
  ns: number;
  pid: number;
  ppid: number;
  file: string;
}

export interface ExecTrace {
  /** Wall clock minus monotonic clock, in ns; null until the clock line was read. */
  wallMinusMonoNs: bigint | null;
  execs: ExecRecord[];
  attached: boolean;
  lost: number;
  lines: number;
  unrecognized: number;
  dropped: number;
}

/** One C or E line read: an exec, or the clock (wall minus monotonic, ns). */
export type ExecLine = { kind: 'exec'; exec: ExecRecord } | { kind: 'clock'; wallMinusMonoNs: bigint };

/** Reads a C or E line (text mode); null for anything else. */
export function parseExecLine(text: string): ExecLine | null {
  // E 529858106261 5164 5143 /bin/echo
  const e = /^E (\d+) (\d+) (\d+) (.*)$/.exec(text);
  if (e) return { kind: 'exec', exec: { ns: Number(e[1]), pid: Number(e[2]), ppid: Number(e[3]), file: e[4]! } };
  // C 616190055724 1795669047.990332
  const c = /^C (\d+) (\d+)\.(\d{1,9})$/.exec(text);
  if (c) return { kind: 'clock', wallMinusMonoNs: BigInt(c[2]!) * 1_000_000_000n + BigInt(c[3]!.padEnd(9, '0')) - BigInt(c[1]!) };
  return null;
}

const PRINTF_C_OR_E = /^\{"type": ?"printf", ?"data": ?"[CE] /;

/**
 * The C or E line inside one line of bpftrace's JSON output; null for any other line (a cheap
 * prefix test first: most lines of live-kernel.bt are its maps). `bad` is true for a C/E printf
 * that could not be read.
 */
export function execPrintf(line: string): ExecLine | { kind: 'bad' } | null {
  if (!PRINTF_C_OR_E.test(line)) return null;
  const recs = parseBpftraceLine(line);
  const r = recs?.[0];
  const got = r?.type === 'printf' ? parseExecLine(r.text.trimEnd()) : null;
  return got ?? { kind: 'bad' };
}

const EX_MAP = /^\{"type": ?"map", ?"data": ?\{"@ex_[01]"/;

/**
 * The execs of one live-kernel.bt @ex map line, in kernel time order (a map prints in no order);
 * null for any other line, `bad` for an @ex line or key that could not be read.
 */
export function execMap(line: string): { kind: 'execs'; execs: ExecRecord[]; bad: number } | null {
  if (!EX_MAP.test(line)) return null;
  const r = parseBpftraceLine(line)?.[0];
  if (r?.type !== 'map' || typeof r.value !== 'object' || r.value === null) return { kind: 'execs', execs: [], bad: 1 };
  const execs: ExecRecord[] = [];
  let bad = 0;
  for (const key of Object.keys(r.value)) {
    // "nsecs,pid,ppid,file": the file may hold commas, the numbers cannot.
    const m = /^(\d+),(\d+),(\d+),(.*)$/s.exec(key);
    if (m) execs.push({ ns: Number(m[1]), pid: Number(m[2]), ppid: Number(m[3]), file: m[4]! });
    else bad++;
  }
  execs.sort((a, b) => a.ns - b.ns);
  return { kind: 'execs', execs, bad };
}

export class ExecTraceParser implements LineParser<ExecTrace> {
  private wallMinusMonoNs: bigint | null = null;
  private readonly execs: ExecRecord[] = [];
  private attached = false;
  private lost = 0;
  private lines = 0;
  private unrecognized = 0;
  private dropped = 0;

  constructor(private readonly limit = 500_000) {}

  line(raw: string): void {
    this.lines++;
    const text = raw.trimEnd();
    if (text === '') return;
    const x = parseExecLine(text);
    if (x?.kind === 'exec') {
      if (this.execs.length >= this.limit) this.dropped++;
      else this.execs.push(x.exec);
      return;
    }
    if (x?.kind === 'clock') {
      this.wallMinusMonoNs = x.wallMinusMonoNs;
      return;
    }
    // Attaching 2 probes...
    if (/^Attaching \d+ probes?\.\.\.$/.test(text)) {
      this.attached = true;
      return;
    }
    // Lost 12 events
    const l = /^Lost (\d+) events/.exec(text);
    if (l) {
      this.lost += Number(l[1]);
      return;
    }
    this.unrecognized++;
  }

  result(): ExecTrace {
    return { wallMinusMonoNs: this.wallMinusMonoNs, execs: this.execs, attached: this.attached, lost: this.lost, lines: this.lines, unrecognized: this.unrecognized, dropped: this.dropped };
  }
}
