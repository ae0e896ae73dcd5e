/**
 * ProbeTracer: the one way a probe's tracer is run, by every path (one-shot, live feed, the strace
 * overlay, diagnose's kernel view, container-start). Started from a TracerPlan, it owns:
 *  - attach detection: strace once every -p pid is settled ("Process N attached" or its failed
 *    attach: strace counts nothing before), perf once spawned, and for bpftrace its
 *    announcement (attached_probes / "Attaching N probes...") confirmed by the kernel: bpftrace
 *    0.17 prints that line *before* it attaches the probes, so attached means every loaded
 *    program also holds its attachment (see kernelAttached);
 *  - the attach ladder: a rung that ends on its own before printing data did not attach, and the
 *    plan's fallback starts in its place, with the reason;
 *  - target-exited: a rung that ends on its own once its targets are gone (processGone) ended
 *    because they did, and no other rung is tried;
 *  - the stderr noise filter (STDERR_NOISE, one list) for the reasons it gives;
 *    (what the tracers print and the kernel shows is read in ./probe-tracer-signals.ts)
 *  - the stop: the runner's one SIGINT → SIGTERM → SIGKILL ladder (src/runner/tracer.ts);
 *  - the follow policy for per-pid tracers (Followers, FOLLOW).
 * Data lines go to the plan's parser, or to the caller (onLine) when the caller reads them itself.
 */
import { BpftraceJsonParser, type BpftraceResult } from '../../parsers/bpftrace-json.js';
import { PerfStatParser, type PerfStatResult } from '../../parsers/perf-stat.js';
import { StraceParser, type StraceResult } from '../../parsers/strace.js';
import { StraceSummaryParser, type StraceSummaryResult } from '../../parsers/strace-summary.js';
import type { TracerPlan } from '../../probes/types.js';
import { Tracer, type TracerExit } from '../runner/tracer.js';
import type { Target } from '../targets/discover.js';
import { processGone } from '../targets/procfs.js';
import { BPFTRACE_ANNOUNCE, isNoise, kernelAttached, STRACE_ATTACHED, straceAttachSettled, stracePids } from './probe-tracer-signals.js';

export { isNoise, kernelAttached, STDERR_NOISE } from './probe-tracer-signals.js';

/** What a tracer's parser gathered, by parser kind. */
export type ReaderResult =
  | { kind: 'bpftrace-json'; result: BpftraceResult }
  | { kind: 'perf-stat'; result: PerfStatResult }
  | { kind: 'strace'; result: StraceResult }
  | { kind: 'strace-summary'; result: StraceSummaryResult };

type AnyParser = BpftraceJsonParser | PerfStatParser | StraceParser | StraceSummaryParser;

function parserFor(plan: TracerPlan): AnyParser {
  switch (plan.parser) {
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

/** How the last rung ended: stopped by us, because its targets exited, or on its own (why). */
export type Ending = { by: 'stop' } | { by: 'target-exited' } | { by: 'failed'; why: string };

export interface ProbeTracerOptions {
  /** Data lines go here instead of the plan's parser (the live engine parses them itself). */
  onLine?: (line: string, run: number) => void;
  /** Every data line as it arrives, besides the plan's parser (one-shot stack runs read "seen PID" lines). */
  onData?: (line: string, run: number) => void;
  /** The data stream as it arrived, for recordings (stdout chunks; stderr lines when strace). */
  onChunk?: (text: string, run: number) => void;
  /** stderr lines that are not the data stream, unfiltered. */
  onStderr?: (line: string, run: number) => void;
  /** Lines dropped so far by the current rung (we fell behind). */
  onDropped?: (lines: number, run: number) => void;
  /** A rung's tracer starts (run 0, then one per fallback), and once running, its pid. */
  onRun?: (plan: TracerPlan, run: number) => void;
  onPid?: (pid: number, run: number) => void;
  /** A rung's tracer exited. */
  onEnd?: (exit: TracerExit, run: number) => void;
  /** Before a fallback rung starts (check its tool); a throw ends the ladder. */
  beforeFallback?: (next: TracerPlan) => Promise<void> | void;
  /** A rung did not attach and the next one started (after its onRun). */
  onFallback?: (from: TracerPlan, to: TracerPlan, why: string) => void;
  /** Extra environment for every rung. */
  env?: Record<string, string>;
  /** The processes whose exit ends the run (start times tell a reused pid); default the plan's pids. */
  targets?: ReadonlyArray<Pick<Target, 'pid' | 'startTime'>>;
  /** How many meaningful stderr lines a reason keeps, and how many characters. Default 2 and 300. */
  reasonLines?: number;
  reasonChars?: number;
  /** bpftrace only: what confirms its announced attach (default kernelAttached; null trusts the line). */
  confirmAttach?: ((pid: number) => boolean) | null;
  /** Give up confirming after this long and take the announcement (default 3 s; measured here: 30-60 ms after the line, under load too). */
  confirmMs?: number;
  /** What else must be true after attach before it counts as attached (checked at each line). */
  ready?: () => boolean;
  /**
   * Read the pipes on the main thread rather than the drain thread (long-running, low-rate
   * tracers: the live view). Never for strace: a blocked strace holds its targets stopped.
   */
  readOnMain?: boolean;
}

export class ProbeTracer {
  plan: TracerPlan;
  tracer!: Tracer;
  /** The current rung's run number: 0, then one more per fallback. */
  run = -1;
  attachedAt = 0;
  stoppedAt = 0;
  private parser: AnyParser | null = null;
  private dataLines = 0;
  private announced = false;
  private stopRequested = false;
  private attachWaiters: Array<() => void> = [];
  private runWaiters: Array<() => void> = [];
  private confirmTimer?: NodeJS.Timeout;
  /** strace: the -p pids it has not yet attached to or failed on. */
  private straceUnsettled = new Set<number>();
  private straceAttachedOne = false;
  private readonly ending: Promise<Ending>;
  private endWith!: (e: Ending) => void;
  private failWith!: (e: unknown) => void;

  constructor(
    plan: TracerPlan,
    private readonly o: ProbeTracerOptions = {},
  ) {
    this.plan = plan;
    this.ending = new Promise((resolve, reject) => ((this.endWith = resolve), (this.failWith = reject)));
    // The caller awaits ended() when it cares; an unawaited rejection must not crash the process.
    this.ending.catch(() => undefined);
    this.setRung(plan);
  }

  private setRung(plan: TracerPlan): void {
    this.plan = plan;
    this.run++;
    this.parser = this.o.onLine ? null : parserFor(plan);
    this.dataLines = 0;
    this.announced = false;
    this.attachedAt = 0;
    this.straceUnsettled = new Set(plan.backend === 'strace' ? stracePids(plan.argv) : []);
    this.straceAttachedOne = false;
    const readOn = this.o.readOnMain && plan.backend !== 'strace' ? 'main' : 'thread';
    this.tracer = new Tracer({ label: plan.backend, argv: plan.argv, env: { ...plan.env, ...this.o.env }, graceMs: plan.stopGraceMs, readOn });
  }

  start(): void {
    const { plan, tracer, run, o } = this;
    const fromStderr = plan.stream === 'stderr';
    const data = (l: string) => {
      if (plan.backend === 'bpftrace' && !this.announced && BPFTRACE_ANNOUNCE.test(l)) this.announce();
      else if (l.trim() && !(plan.backend === 'strace' && STRACE_ATTACHED.test(l))) this.dataLines++;
      if (this.parser) this.parser.line(l);
      else o.onLine?.(l, run);
      o.onData?.(l, run);
      if (this.announced && !this.attachedAt && !this.confirmTimer) this.confirm();
    };
    o.onRun?.(plan, run);
    tracer.start({
      onStdoutChunk: fromStderr || !o.onChunk ? undefined : (text) => o.onChunk!(text, run),
      onStdoutLine: fromStderr ? undefined : data,
      onStderrLine: (l) => {
        if (plan.backend === 'strace' && !this.attachedAt) this.straceLine(l);
        if (!fromStderr) return o.onStderr?.(l, run);
        o.onChunk?.(l + '\n', run);
        data(l);
      },
      onDropped: o.onDropped ? () => o.onDropped!(tracer.droppedLines, run) : undefined,
    });
    void tracer.whenSpawned().then((pid) => {
      if (!pid) return;
      o.onPid?.(pid, run);
      // perf stat counts from the moment it runs; it prints nothing until its first interval.
      if (plan.backend === 'perf') this.announce();
    });
    void tracer.wait().then((x) => this.rungEnded(x, run));
  }

  /** strace attached once each -p pid is settled; an argv without -p (a command) at its first attach. */
  private straceLine(l: string): void {
    const pid = straceAttachSettled(l);
    if (pid === null) return;
    this.straceUnsettled.delete(pid);
    if (STRACE_ATTACHED.test(l)) this.straceAttachedOne = true;
    // Every -p pid failed: strace exits on its own, and the rung ends as one that did not attach.
    if (this.straceUnsettled.size === 0 && this.straceAttachedOne) this.announce();
  }

  /** The tracer said it attached; bpftrace's word is then checked against the kernel. */
  private announce(): void {
    this.announced = true;
    this.confirm();
  }

  private confirm(): void {
    if (this.attachedAt || (this.o.ready && !this.o.ready())) return;
    const check = this.plan.backend === 'bpftrace' ? (this.o.confirmAttach === undefined ? kernelAttached : this.o.confirmAttach) : null;
    const pid = this.tracer.pid;
    if (!check || (pid && check(pid))) return this.markAttached();
    const run = this.run;
    const giveUp = Date.now() + (this.o.confirmMs ?? 3000);
    const poll = () => {
      this.confirmTimer = undefined;
      if (this.run !== run || this.tracer.exited || this.attachedAt) return;
      const p = this.tracer.pid;
      if ((p && check(p)) || Date.now() >= giveUp) return this.markAttached();
      this.confirmTimer = setTimeout(poll, 10);
      this.confirmTimer.unref();
    };
    this.confirmTimer = setTimeout(poll, 5);
    this.confirmTimer.unref();
  }

  private markAttached(): void {
    this.stopConfirming();
    this.attachedAt = Date.now();
    for (const w of this.attachWaiters.splice(0)) w();
  }

  private stopConfirming(): void {
    clearTimeout(this.confirmTimer);
    this.confirmTimer = undefined;
  }

  private async rungEnded(x: TracerExit, run: number): Promise<void> {
    this.stopConfirming();
    this.o.onEnd?.(x, run);
    if (this.stopRequested) return this.endWith({ by: 'stop' });
    if (this.targetsGone()) return this.endWith({ by: 'target-exited' });
    const from = this.plan;
    const why = this.failure();
    if (this.producedData || !from.fallback) return this.endWith({ by: 'failed', why });
    try {
      await this.o.beforeFallback?.(from.fallback);
    } catch (e) {
      return this.failWith(e);
    }
    if (this.stopRequested) return this.endWith({ by: 'stop' });
    this.setRung(from.fallback);
    this.start();
    this.o.onFallback?.(from, from.fallback, why);
    for (const w of this.runWaiters.splice(0)) w();
  }

  /** True when the processes this tracer serves are all gone (exited, or their pid reused). */
  targetsGone(): boolean {
    const ts = this.o.targets ?? (this.plan.pids ?? []).map((pid) => ({ pid, startTime: undefined }));
    return ts.length > 0 && ts.every((t) => processGone(t.pid, t.startTime));
  }

  /** Resolves once the current rung (or a later one) attached. */
  attached(): Promise<void> {
    if (this.attachedAt) return Promise.resolve();
    return new Promise((r) => this.attachWaiters.push(r));
  }

  /**
   * Waits for the attach: 'attached', 'ended' when the last rung ended first, 'slow' after ms, or
   * what `or` resolves to first (a signal). Rejects when a fallback could not start.
   */
  waitAttached<T extends string = never>(ms?: number, or?: Promise<T>): Promise<'attached' | 'ended' | 'slow' | T> {
    let timer: NodeJS.Timeout | undefined;
    const racers: Array<Promise<'attached' | 'ended' | 'slow' | T>> = [this.attached().then(() => 'attached' as const), this.ending.then(() => 'ended' as const)];
    if (ms !== undefined) racers.push(new Promise((r) => (timer = setTimeout(() => r('slow'), ms).unref())));
    if (or) racers.push(or);
    return Promise.race(racers).finally(() => clearTimeout(timer));
  }

  /** Resolves when a fallback rung replaces the current one. */
  nextRung(): Promise<void> {
    return new Promise((r) => this.runWaiters.push(r));
  }

  /** Resolves when the last rung has ended, and how; rejects when a fallback could not start. */
  ended(): Promise<Ending> {
    return this.ending;
  }

  /** True once the current rung printed data: parsed data, or a non-blank line past its attach announcement. */
  get producedData(): boolean {
    if (!this.parser) return this.dataLines > 0;
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
    if (!this.parser) throw new Error('this tracer hands its lines to the caller');
    return { kind: this.plan.parser, result: this.parser.result() } as ReaderResult;
  }

  /** Stops the current rung with the runner's one SIGINT → SIGTERM → SIGKILL ladder (stopGraceMs after SIGINT); no fallback follows. */
  async stop(): Promise<void> {
    if (!this.stoppedAt) this.stoppedAt = Date.now();
    this.stopRequested = true;
    this.stopConfirming();
    if (this.tracer.exited) return;
    await this.tracer.stop();
  }

  /** True when the current rung ended on its own, before we asked it to stop. */
  get endedByItself(): boolean {
    return !!this.tracer.exited && !this.stopRequested;
  }

  /** Seconds between attach and stop (0 if it never attached). */
  get attachedSeconds(): number {
    if (!this.attachedAt) return 0;
    return ((this.stoppedAt || Date.now()) - this.attachedAt) / 1000;
  }

  /** Why the current rung ended: the watchdog's reason, or its last meaningful stderr lines ('' when none). */
  reason(lines = this.o.reasonLines ?? 2, chars = this.o.reasonChars ?? 300): string {
    const x = this.tracer.exited;
    if (x?.watchdog) return x.watchdog;
    return (x?.stderrTail ?? [])
      .filter((l) => !isNoise(l))
      .slice(-lines)
      .join(' / ')
      .slice(0, chars);
  }

  /** The reason, or the exit status when stderr said nothing. */
  failure(): string {
    const x = this.tracer.exited;
    return this.reason() || `exit code ${x?.code ?? x?.signal ?? '?'}`;
  }
}

/** How per-pid tracers (perf stat -p) follow targets that appear during a run. */
export interface FollowPolicy {
  /** At most this many follower tracers run at once. */
  maxTracers: number;
  /**
   * A new shim gets its own tracer only once it has lived this long: starting a perf stat costs
   * about as much CPU as a short-lived container's whole shim, so following every one of a burst
   * of container starts would slow them down (measured: 63% of the untraced start rate).
   */
  minAgeMs: number;
}

export const FOLLOW: FollowPolicy = { maxTracers: 32, minAgeMs: 1000 };

/** The follower tracers of a run: one ProbeTracer per followed target, under a FollowPolicy. */
export class Followers {
  readonly tracers: ProbeTracer[] = [];
  private readonly followed = new Set<number>();
  /** Targets not followed: too many tracers already, or gone before minAgeMs. */
  refused = 0;
  shortLived = 0;
  private stopped = false;

  constructor(
    private readonly planFor: (target: Target) => TracerPlan | null,
    readonly policy: FollowPolicy = FOLLOW,
  ) {}

  /** These pids are traced already (by the main tracer). */
  exclude(pids: readonly number[]): void {
    for (const p of pids) this.followed.add(p);
  }

  /** Follows the target now. */
  add(target: Target): void {
    if (this.stopped || this.followed.has(target.pid)) return;
    this.followed.add(target.pid);
    if (this.tracers.filter((f) => !f.tracer.exited).length >= this.policy.maxTracers) return void this.refused++;
    const plan = this.planFor(target);
    if (!plan) return;
    const f = new ProbeTracer(plan);
    this.tracers.push(f);
    f.start();
  }

  /** Follows a newly started target once it has lived policy.minAgeMs. */
  addOnceItStays(target: Target): void {
    setTimeout(() => {
      if (this.stopped) return;
      if (!processGone(target.pid, target.startTime)) this.add(target);
      else this.shortLived++;
    }, this.policy.minAgeMs).unref();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    await Promise.all(this.tracers.map((t) => t.stop()));
  }
}
