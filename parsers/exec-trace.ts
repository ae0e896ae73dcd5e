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
 */
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
    // E 529858106261 5164 5143 /bin/echo
    const e = /^E (\d+) (\d+) (\d+) (.*)$/.exec(text);
    if (e) {
      if (this.execs.length >= this.limit) this.dropped++;
      else this.execs.push({ ns: Number(e[1]), pid: Number(e[2]), ppid: Number(e[3]), file: e[4]! });
      return;
    }
    // C 616190055724 1795669047.990332
    const c = /^C (\d+) (\d+)\.(\d{1,9})$/.exec(text);
    if (c) {
      const wall = BigInt(c[2]!) * 1_000_000_000n + BigInt(c[3]!.padEnd(9, '0'));
      this.wallMinusMonoNs = wall - BigInt(c[1]!);
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
