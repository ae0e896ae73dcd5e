/** Pure readers of the slow-call lines and the @max map that probes/syscall-count.bt prints. */
import { splitMapKey } from '../../parsers/bpftrace-json.js';

export interface SlowLine {
  pid: number;
  comm: string;
  syscall: string;
  seconds: number;
}

/**
 * A slow call as probes/syscall-count.bt prints it, "slow PID NR NANOSECONDS COMM":
 *   slow 3026 263 32836786 containerd
 */
export function parseSlowLine(text: string, _t: number, nameOf: (nr: number) => string): SlowLine | null {
  const m = /^slow (\d+) (-?\d+) (\d+) (.*?)\n?$/.exec(text);
  if (!m) return null;
  return { pid: Number(m[1]), syscall: nameOf(Number(m[2])), seconds: Number(m[3]) / 1e9, comm: m[4]! };
}

/** Per-syscall maximum latency (ns) from a @max map keyed "comm,pid,nr". */
export function maxBySyscall(max: Record<string, number>, nameOf: (nr: number) => string): Map<string, number> {
  const out = new Map<string, number>();
  for (const [key, ns] of Object.entries(max)) {
    const nr = Number(splitMapKey(key, 3)[2]);
    if (!Number.isFinite(nr) || typeof ns !== 'number') continue;
    const name = nameOf(nr);
    out.set(name, Math.max(out.get(name) ?? 0, ns));
  }
  return out;
}
