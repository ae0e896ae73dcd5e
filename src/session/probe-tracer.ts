/**
 * One tracer of a probe run with the parser that reads it: started from a TracerPlan, it knows
 * when it attached (bpftrace's attached_probes, strace's "Process N attached", perf once spawned),
 * whether it produced data, and why it failed.
 */
import { BpftraceJsonParser, type BpftraceResult } from '../../parsers/bpftrace-json.js';
import { PerfStatParser, type PerfStatResult } from '../../parsers/perf-stat.js';
import { StraceParser, type StraceResult } from '../../parsers/strace.js';
import { StraceSummaryParser, type StraceSummaryResult } from '../../parsers/strace-summary.js';
import type { TracerPlan } from '../../probes/types.js';
import { Tracer } from '../runner/tracer.js';

/** What a tracer's parser gathered, by parser kind. */
export type ReaderResult =
  | { kind: 'bpftrace-json'; result: BpftraceResult }
  | { kind: 'perf-stat'; result: PerfStatResult }
  | { kind: 'strace'; result: StraceResult }
  | { kind: 'strace-summary'; result: StraceSummaryResult };

type AnyParser = BpftraceJsonParser | PerfStatParser | StraceParser | StraceSummaryParser;

function parserFor(kind: TracerPlan['parser'], plan: TracerPlan): AnyParser {
  switch (kind) {
    case 'bpftrace-json':
      return new BpftraceJsonParser(undefined, { deltaMaps: plan.deltaMaps });
    case 'perf-stat':
      return new PerfStatParser();
    case 'strace':
      return new StraceParser({ topN: 20, maxArgs: 300 });
    case 'strace-summary':
      return new StraceSummaryParser();
    case 'perf-script':
      throw new Error('perf-script output is not read by one-shot probes');
  }
}

/** bpftrace noise that is not an error (this kernel ignores RLIMIT_MEMLOCK), and its warnings. */
const NOISE = /RLIMIT_MEMLOCK|^\s*$/;

export class ProbeTracer {
  readonly tracer: Tracer;
  private readonly parser: AnyParser;
  attachedAt = 0;
  stoppedAt = 0;
  private stopRequested = false;
  private attachWaiters: Array<() => void> = [];

  constructor(readonly plan: TracerPlan) {
    this.parser = parserFor(plan.parser, plan);
    this.tracer = new Tracer({ label: plan.backend, argv: plan.argv, env: plan.env, graceMs: plan.stopGraceMs });
  }

  start(): void {
    const fromStderr = this.plan.stream === 'stderr';
    this.tracer.start({
      onStdoutLine: (l) => {
        if (fromStderr) return;
        this.parser.line(l);
        if (!this.attachedAt && this.plan.parser === 'bpftrace-json' && (this.parser as BpftraceJsonParser).result().attachedProbes !== null) this.markAttached();
      },
      onStderrLine: (l) => {
        if (fromStderr) this.parser.line(l);
        // strace: Process 3026 attached with 11 threads
        if (!this.attachedAt && this.plan.backend === 'strace' && /^strace: Process \d+ attached/.test(l)) this.markAttached();
      },
    });
    // perf stat counts from the moment it runs; it prints nothing until its first interval.
    if (this.plan.backend === 'perf') void this.tracer.whenSpawned().then((pid) => pid && this.markAttached());
  }

  private markAttached(): void {
    this.attachedAt = Date.now();
    for (const w of this.attachWaiters.splice(0)) w();
  }

  /** Resolves once the tracer reports it attached. */
  attached(): Promise<void> {
    if (this.attachedAt) return Promise.resolve();
    return new Promise((r) => this.attachWaiters.push(r));
  }

  /** True once the tracer printed data (bpftrace maps, perf rows, strace lines), not only its start. */
  get producedData(): boolean {
    const r = this.result();
    switch (r.kind) {
      case 'bpftrace-json':
        return r.result.seq > 0;
      case 'perf-stat':
        return r.result.events.size > 0;
      case 'strace':
        return r.result.lines > 0;
      case 'strace-summary':
        return r.result.tables.length > 0;
    }
  }

  result(): ReaderResult {
    return { kind: this.plan.parser, result: this.parser.result() } as ReaderResult;
  }

  /**
   * Stops the tracer with the runner's one SIGINT → SIGTERM → SIGKILL ladder; its SIGINT step
   * waits stopGraceMs for the final output (the Tracer was made with that grace).
   */
  async stop(): Promise<void> {
    if (!this.stoppedAt) this.stoppedAt = Date.now();
    if (this.tracer.exited) return;
    this.stopRequested = true;
    await this.tracer.stop();
  }

  /** True when the tracer ended on its own, before we asked it to stop. */
  get endedByItself(): boolean {
    return !!this.tracer.exited && !this.stopRequested;
  }

  /** Seconds between attach and stop (0 if it never attached). */
  get attachedSeconds(): number {
    if (!this.attachedAt) return 0;
    return ((this.stoppedAt || Date.now()) - this.attachedAt) / 1000;
  }

  /** The tracer's last meaningful stderr lines, or its exit status. */
  failure(): string {
    const x = this.tracer.exited;
    if (x?.watchdog) return x.watchdog;
    const tail = (x?.stderrTail ?? []).filter((l) => !NOISE.test(l) && !/WARNING:/.test(l));
    return tail.slice(-2).join(' / ').slice(0, 300) || `exit code ${x?.code ?? x?.signal ?? '?'}`;
  }
}
