/**
 * The runtime's cost from the live kernel program (probes/live-kernel.bt's @rt and @sx maps, and
 * the shim-exec lines of recordings made before @sx; parsers/runtime-cost-lines.ts) into a
 * RuntimeCostLedger (aggregate/runtime-cost-live.ts).
 * Held by the live view's kernel source and by serve's kernel counters, which hand it their prints
 * and printf lines; serve also hands it the /proc polls. Pure: lines in, figures out.
 */
import { runtimeExitRows, shimExecParts, ShimExecReader } from '../../../parsers/runtime-cost-lines.js';
import { TICKS_PER_SEC, type ProcPoll } from '../../../parsers/proc-counters.js';
import { RuntimeCostLedger, type RuntimeProc } from '../../aggregate/runtime-cost-live.js';
import type { HostTargets } from '../../targets/discover.js';
import { RT_RUNC, RT_SHIM } from '../../live-model/types.js';
import type { KernelPrint } from './kernel-print.js';
import type { TargetPart } from './types.js';

export class RuntimeCostReader {
  readonly ledger = new RuntimeCostLedger();
  private readonly execs = new ShimExecReader();
  private unreadRows = 0;

  /** A printf line of the program: true when it was a shim-exec line (read here). */
  printf(text: string, t: number): boolean {
    if (!text.startsWith('shim-exec ')) return false;
    const e = this.execs.line(text);
    if (e) this.ledger.shimExec(e.pid, e.argv, t);
    return true;
  }

  print(p: KernelPrint): void {
    // The shims executed in the print's seconds first: the exits below may be theirs.
    const sx = shimExecParts(p.maps.get('@sx'));
    this.unreadRows += sx.unrecognized;
    for (const part of sx.parts) {
      const e = this.execs.part(part);
      if (e) this.ledger.shimExec(e.pid, e.argv, p.t);
    }
    const { rows, unrecognized } = runtimeExitRows(p.maps.get('@rt'));
    this.unreadRows += unrecognized;
    this.ledger.exits(rows, p.t);
  }

  get unrecognized(): number {
    return this.execs.unrecognized + this.unreadRows;
  }
}

/** A /proc poll's processes as the ledger takes them (CPU: utime + stime, seconds). */
export const procsOfPoll = (poll: ProcPoll): RuntimeProc[] => poll.procs.map((p) => ({ pid: p.pid, start: p.start, comm: p.comm, cpuSeconds: (p.utime + p.stime) / TICKS_PER_SEC }));


/**
 * The live view's parts for each live shim: its container's runc CPU, and the CPU of the
 * container's other shim processes (start, delete) and of this shim's exited threads. The sched
 * source adds this shim's own CPU so far from /proc (RT_SHIM as well), so the panel's sum is the
 * container's shim + runc CPU.
 */
export function runtimeParts(ledger: RuntimeCostLedger, host: HostTargets, t: number): TargetPart[] {
  ledger.knownShims(host.shims, t);
  return host.shims.flatMap((s): TargetPart[] => {
    const c = ledger.ofShim(s.pid);
    return c ? [{ pid: s.pid, comm: s.comm, metrics: { [RT_SHIM]: Math.max(0, c.shimCpuSeconds - c.ownCpuSeconds), [RT_RUNC]: c.runcCpuSeconds } }] : [];
  });
}
