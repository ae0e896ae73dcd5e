/**
 * serve's reading of the live view's /proc poll (the live feed's `sched` source, every 2 s):
 * context switches, CPU migrations and page faults of containerd and its shims, added up by role
 * into counters that only grow. Each interval's figures are the live view's own difference of two
 * polls (pollDelta in live-sources/sched.ts): thread by thread, a process that started since the
 * last poll counted whole. Pure: lines in, totals out.
 */
import { ProcCounterParser, type ProcPoll } from '../../parsers/proc-counters.js';
import { pollDelta } from '../session/live-sources/sched.js';
import type { LiveSource, SourceOutput } from '../session/live-sources/types.js';
import { roleOfComm, type MetricRole } from './roles.js';

export interface SchedTotals {
  contextSwitches: number;
  migrations: number;
  pageFaults: number;
}

export class SchedCounters implements LiveSource {
  private readonly parser = new ProcCounterParser();
  private prev: ProcPoll | null = null;
  readonly byRole = new Map<MetricRole, SchedTotals>();
  /** Whether the kernel has the sched files migrations are read from (null: no poll yet). */
  migrationsKnown: boolean | null = null;

  constructor(
    private readonly roleOf: (comm: string) => MetricRole = (c) => roleOfComm(c),
    /** Each poll as read (serve hands it to the runtime-cost ledger). */
    private readonly onPoll?: (poll: ProcPoll) => void,
  ) {}

  line(text: string): void {
    if (text.charCodeAt(0) !== 123 /* { */) return;
    const cur = this.parser.poll(text);
    if (!cur) return;
    this.onPoll?.(cur);
    const prev = this.prev;
    if (prev && !(cur.t > prev.t)) return;
    this.prev = cur;
    if (!prev) return;
    const d = pollDelta(prev, cur);
    if (!d) return;
    this.migrationsKnown = d.migrKnown;
    for (const p of d.procs) {
      const role = this.roleOf(p.comm);
      let s = this.byRole.get(role);
      if (!s) this.byRole.set(role, (s = { contextSwitches: 0, migrations: 0, pageFaults: 0 }));
      s.contextSwitches += p.cs;
      s.migrations += p.migr;
      s.pageFaults += p.faults;
    }
  }

  /** Counters never go back: a reset does nothing here. */
  reset(): void {}

  get unrecognized(): number {
    return this.parser.unreadable;
  }

  output(): SourceOutput {
    return { eventsPerSec: 0, lost: 0, unrecognized: this.unrecognized };
  }
}
