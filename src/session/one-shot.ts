/**
 * A one-shot probe run: check the host, find the targets, start the probe's tracer, start more
 * tracers for targets that appear when the backend takes a fixed pid list, read them while they
 * run, stop them after the duration (or on Ctrl-C), then print one result. The attach ladder,
 * target-exited, the follow policy and the stop are ProbeTracer's (probe-tracer.ts); this module
 * decides what each outcome means for the run.
 */
import { z } from 'zod';
import type { ProbeContext, ProbeDefinition, ProbeReport, SkippedAttach, TracerPlan } from '../../probes/types.js';
import type { TargetSelection } from '../targets/resolve.js';
import { contextPids } from '../../probes/filter.js';
import { CtrscopeError } from '../errors.js';
import { ensureTracefs, requireRoot, requireTool } from '../host/preflight.js';
import { probeContext, refreshedContext } from './probe-context.js';
import { clearTheWay } from '../runner/preflight-tracers.js';
import { DEFAULT_GRACE_MS } from '../runner/tracer.js';
import { discover, roleOf, type HostTargets, type Target } from '../targets/discover.js';
import { comm, readProc, statFields } from '../targets/procfs.js';
import { resolveTargets } from '../targets/resolve.js';
import { describeEvent, TargetWatch } from '../targets/watch.js';
import { SUMMARIES } from '../summaries/index.js';
import type { Summary, SummaryInput } from '../summaries/types.js';
import { Progress } from '../output/progress.js';
import { writeFileAtomic, checkOutputPath } from '../output/write-file.js';
import { Followers, ProbeTracer } from './probe-tracer.js';
import { sleep } from '../util/sleep.js';
import { checkAssertions, type BoundAssertion } from '../assert/check.js';
import { ProcessImages } from '../host/process-images.js';

export interface OneShotOptions {
  probe: ProbeDefinition<any>;
  params: Record<string, unknown>;
  selection: TargetSelection;
  durationSeconds: number;
  json: boolean;
  output?: string;
  force: boolean;
  /** --assert, bound before any tracer starts; checked after the report is printed. */
  assertions?: BoundAssertion[];
  /** How long the tracer may take to attach (attachLimitMs, read before anything runs). */
  attachLimitMs?: number;
}

const say = (m: string) => process.stderr.write(`ctrscope: ${m}\n`);

/** How long a tracer may take to attach: 60 s, or CTRSCOPE_ATTACH_TIMEOUT_S (1-600; for tests). */
export function attachLimitMs(env = process.env.CTRSCOPE_ATTACH_TIMEOUT_S): number {
  if (env === undefined || env === '') return 60_000;
  const r = z.coerce.number().int().min(1).max(600).safeParse(env);
  if (!r.success) throw new CtrscopeError('usage', `CTRSCOPE_ATTACH_TIMEOUT_S must be whole seconds from 1 to 600, got "${env.slice(0, 40)}"`);
  return r.data * 1000;
}

async function prepare(plan: TracerPlan): Promise<void> {
  requireTool(plan.argv[0]!);
  if (plan.backend === 'bpftrace') await ensureTracefs(say);
}

export async function runOneShot(o: OneShotOptions): Promise<number> {
  requireRoot(`--probe ${o.probe.name}`);
  // The environment is read at the boundary: a bad value is refused before any tracer starts.
  o = { ...o, attachLimitMs: o.attachLimitMs ?? attachLimitMs() };
  requireTool('setpriv');
  if (o.output) checkOutputPath(o.output, o.force);
  const summary = SUMMARIES[o.probe.name];
  if (!summary) throw new CtrscopeError('internal', `probe ${o.probe.name} has no summary`);
  const host = discover();
  const resolved = resolveTargets(o.selection, host);
  clearTheWay(resolved.map((t) => t.pid), say);
  const ctx: ProbeContext = await probeContext(host, o.selection, resolved);
  const plan = o.probe.plan(ctx, o.params);
  await prepare(plan);
  if (plan.warning) say(plan.warning);
  for (const s of plan.skipped) say(`not using ${s.attachPoint}: ${s.why}`);

  const run = new Run(o, ctx, summary);
  const interrupted = await run.go(plan);
  const report = run.report();
  if (interrupted) say('interrupted: result covers the time until Ctrl-C');
  const text = o.json ? JSON.stringify(report, null, 2) + '\n' : summary.render(report as never);
  if (o.output && summary.outputFile) {
    writeFileAtomic(o.output, summary.outputFile(report as never), o.force);
    say(`wrote ${o.output}`);
    process.stdout.write(text);
  } else if (o.output) {
    writeFileAtomic(o.output, text, o.force);
    say(`wrote ${o.output}`);
  } else process.stdout.write(text);
  for (const w of report.warnings ?? []) say(`warning: ${w}`);
  checkAssertions(o.assertions ?? [], report);
  return 0;
}

/** The tracers of one run and what they saw. */
class Run {
  private main!: ProbeTracer;
  private readonly followers: Followers;
  private readonly skipped: SkippedAttach[] = [];
  private watch?: TargetWatch;
  private wake: () => void = () => undefined;
  private targetGone = false;
  private interrupted = false;
  private deadline = 0;
  /** How long the run went on after the main tracer's target exited (the other tracers counting). */
  private afterMainSeconds = 0;
  /** The executables and maps of the processes a stack probe saw, read while they ran. */
  private readonly images = new ProcessImages();

  constructor(
    private readonly o: OneShotOptions,
    private readonly ctx: ProbeContext,
    private readonly summary: Summary<any>,
  ) {
    this.followers = new Followers((t) => this.o.probe.follow?.(t, this.ctx, this.o.params) ?? null);
  }

  /** Runs until the duration ends or a signal comes; returns true when interrupted. */
  async go(plan: TracerPlan): Promise<boolean> {
    this.skipped.push(...plan.skipped);
    const onSignal = () => {
      this.interrupted = true;
      this.wake();
    };
    process.on('SIGINT', onSignal);
    process.on('SIGTERM', onSignal);
    const progress = new Progress(this.o.probe.name, this.o.durationSeconds, () => this.events());
    const { defaultTargets, pids } = this.o.selection;
    const startTimes = (ps: readonly number[]) => ps.map((pid) => ({ pid, startTime: this.ctx.targets.find((x) => x.pid === pid)?.startTime }));
    const images = this.images;
    this.main = new ProbeTracer(plan, {
      onData: plan.recordsImages ? (l) => images.line(l) : undefined,
      // Whose exit ends the main tracer: the --pid targets, or with default targets the one
      // process a per-target tracer (perf stat -p) serves; otherwise its exit is a failure.
      targets: startTimes(defaultTargets ? (this.o.probe.follow ? (plan.pids ?? []) : []) : pids),
      beforeFallback: prepare,
      onFallback: (from, to, why) => {
        // Exited on its own before printing data: a rung that could not attach.
        this.skipped.push({ attachPoint: from.attachPoint, why });
        say(`${from.attachPoint} did not attach (${why}); trying ${to.attachPoint}`);
      },
    });
    try {
      this.main.start();
      const outcome = await this.attachThenRun(progress);
      if (outcome === 'exited' && !this.targetGone) await this.mainEnded();
    } finally {
      progress.stop();
      this.watch?.stop();
      // Handlers stay until every tracer is stopped: a second Ctrl-C must not cut the cleanup short.
      await Promise.all([this.main.stop(), this.followers.stop()]);
      process.off('SIGINT', onSignal);
      process.off('SIGTERM', onSignal);
    }
    return this.interrupted;
  }

  /** The main tracer's last rung ended on its own before the run did. */
  private async mainEnded(): Promise<void> {
    const e = await this.main.ended();
    const { defaultTargets } = this.o.selection;
    if (e.by === 'target-exited' && defaultTargets) {
      // A per-target tracer (perf stat -p) whose process exited, e.g. a containerd that
      // restarted: the others keep counting, so the run goes on to its end.
      say(`pid ${(this.main.plan.pids ?? []).join(', ')} exited; its counts until then are kept and the other targets' tracers go on`);
      const goneAt = Date.now();
      await Promise.race([sleep(Math.max(0, this.deadline - Date.now())), this.signalled()]);
      this.afterMainSeconds = (Date.now() - goneAt) / 1000;
      return;
    }
    // strace -p exits when its targets do: named with --pid, the run ends there.
    if (e.by === 'target-exited' && this.main.producedData) {
      say(`every --pid target exited; the run ends here`);
      return;
    }
    throw new CtrscopeError('tracer', `${this.main.plan.argv[0]} stopped before the run ended: ${e.by === 'failed' ? e.why : this.main.failure()}`);
  }

  private signalled(): Promise<'signal'> {
    if (this.interrupted) return Promise.resolve('signal');
    return new Promise((r) => (this.wake = () => r('signal')));
  }

  /**
   * The attach, bounded: a tracer that neither attaches nor exits (stuck loading its programs)
   * is said at a quarter of the limit, with its state, and stopped at the limit (a tracer error).
   */
  private async waitForAttach(): Promise<'attached' | 'ended' | 'signal'> {
    const limitMs = this.o.attachLimitMs ?? attachLimitMs();
    const first = await this.main.waitAttached(limitMs / 4, this.signalled());
    if (first !== 'slow') return first;
    say(`${this.main.plan.argv[0]} has not attached after ${limitMs / 4000} s (${this.tracerState()}); waiting up to ${limitMs / 1000} s (Ctrl-C stops)`);
    const then = await this.main.waitAttached((limitMs * 3) / 4, this.signalled());
    if (then !== 'slow') return then;
    const why = this.main.reason();
    throw new CtrscopeError('tracer', `${this.main.plan.argv[0]} did not attach within ${limitMs / 1000} s (${this.tracerState()}${why ? `; it said: ${why}` : ''}); it was stopped. Try again, or see ctrscope doctor`);
  }

  /** "pid N, state S, in WCHAN": where a tracer that does not attach is waiting. */
  private tracerState(): string {
    const pid = this.main.tracer.pid;
    if (!pid) return 'not started yet';
    const st = statFields(pid);
    const wchan = readProc(pid, 'wchan')?.trim();
    return `pid ${pid}, state ${st?.state ?? 'gone'}${wchan && wchan !== '0' ? `, in ${wchan}` : ''}`;
  }

  /** Waits for the attach, then the duration; a rung that falls back after attaching starts the duration again. */
  private async attachThenRun(progress: Progress): Promise<'done' | 'signal' | 'exited'> {
    const ended = this.main.ended().then(() => 'exited' as const);
    for (;;) {
      const first = await this.waitForAttach();
      if (first !== 'attached') return first === 'ended' ? 'exited' : 'signal';
      this.startFollowing();
      progress.start();
      this.deadline = Date.now() + this.o.durationSeconds * 1000;
      const next = await Promise.race([sleep(this.o.durationSeconds * 1000).then(() => 'done' as const), ended, this.signalled(), this.main.nextRung().then(() => 'rung' as const)]);
      progress.stop();
      if (next !== 'rung') return next;
    }
  }

  /**
   * Watches the targets while the run lasts: a containerd restart or a new shim is reported and
   * followed (bpftrace filters follow them in the kernel by comm; per-pid backends get a new
   * per-target tracer); a --pid target that exits ends the run, so that its number, once reused
   * by another process, is never traced.
   */
  private startFollowing(): void {
    if (this.watch) return;
    const follow = this.o.probe.follow;
    if (follow) {
      this.followers.exclude(this.main.plan.pids ?? []);
      for (const pid of contextPids(refreshedContext(this.ctx))) this.addFollower(pid);
    }
    const explicit = this.o.selection.defaultTargets ? [] : this.ctx.targets.filter((t) => this.o.selection.pids.includes(t.pid));
    this.watch = new TargetWatch(this.ctx.host, explicit, (e) => {
      switch (e.kind) {
        case 'shim-started':
          if (follow && this.o.selection.defaultTargets) this.followers.addOnceItStays(e.target);
          break;
        case 'containerd-restarted':
        case 'containerd-started':
          say(describeEvent(e));
          if (follow && this.o.selection.defaultTargets) this.addFollower(e.after.pid, e.after);
          break;
        case 'containerd-gone':
          say(describeEvent(e));
          break;
        case 'target-exited':
        case 'pid-reused':
          say(`${describeEvent(e)}; the run ends here so that its pid, once reused, is not traced`);
          this.targetGone = true;
          this.wake();
          break;
        default:
          break;
      }
    }).start();
  }

  private addFollower(pid: number, target?: Target): void {
    this.followers.add(target ?? { pid, comm: comm(pid) ?? '?', role: roleOf(pid, comm(pid) ?? '', this.ctx.host) });
  }

  private input(host: HostTargets = this.ctx.host): SummaryInput {
    const input: SummaryInput = { host, targets: this.ctx.targets, selection: this.o.selection };
    const r = this.main.result();
    if (r.kind === 'bpftrace-json') input.bpftrace = r.result;
    else if (r.kind === 'strace') input.strace = r.result;
    else if (r.kind === 'strace-summary') input.straceSummary = r.result;
    const perf = [this.main, ...this.followers.tracers].filter((t) => t.plan.parser === 'perf-stat');
    if (perf.length) {
      input.perf = perf.map((t) => {
        const pid = t.plan.pids?.[0] ?? 0;
        const c = comm(pid) ?? this.ctx.targets.find((x) => x.pid === pid)?.comm ?? '?';
        const res = t.result();
        // perf that ended on its own and counted nothing: the process was gone or not traceable.
        const failed = t.endedByItself && !t.producedData ? t.failure() : undefined;
        return { pid, comm: c, role: roleOf(pid, c, host), result: res.kind === 'perf-stat' ? res.result : (undefined as never), failed };
      });
    }
    return input;
  }

  private events(): number {
    try {
      const i = this.input();
      return this.summary.events ? this.summary.events(i) : this.summary.fields(i).events;
    } catch {
      return 0;
    }
  }

  report(): ProbeReport {
    const input = this.input(discoverKeepingExited(this.ctx.host));
    this.refuseLostSummary(input);
    if (this.main.plan.recordsImages) input.symbolize = this.images.symbolizer();
    const { fields, targets } = this.summary.fields(input);
    const warnings: string[] = [];
    const lost = input.bpftrace?.lostEvents ?? 0;
    if (lost) warnings.push(`${lost} events lost by bpftrace`);
    const unrecognized = input.bpftrace?.unrecognized ?? input.strace?.unrecognized ?? input.straceSummary?.unrecognized ?? 0;
    if (unrecognized) warnings.push(`${unrecognized} lines of ${this.main.plan.backend} output not understood`);
    const dropped = [this.main, ...this.followers.tracers].reduce((a, t) => a + (t.tracer.exited?.droppedLines ?? 0), 0);
    if (dropped) warnings.push(`${dropped} lines of tracer output dropped (ctrscope fell behind)`);
    const failed = (input.perf ?? []).filter((p) => p.failed).length;
    if (failed) warnings.push(`${failed} target processes exited before perf could count them`);
    const { shortLived, refused, policy } = this.followers;
    if (shortLived) warnings.push(`${shortLived} shims exited within ${policy.minAgeMs / 1000} s of starting and were not counted (a per-target tracer is started only for shims that stay)`);
    if (refused) warnings.push(`${refused} targets not counted: at most ${policy.maxTracers} per-target tracers run at once`);
    return {
      probe: this.o.probe.name,
      backend: this.main.plan.backend,
      attachPoint: this.main.plan.attachPoint,
      skipped: this.skipped,
      durationSeconds: Math.round((this.main.attachedSeconds + this.afterMainSeconds) * 100) / 100,
      targets,
      lostEvents: lost,
      droppedLines: dropped,
      warnings,
      ...fields,
    };
  }

  /**
   * strace -c prints its table only as it exits. A strace that did not exit on SIGINT (stuck
   * detaching: see STRACE_STOP_GRACE_MS) and was killed printed none: that is a failed run, not
   * an empty table.
   */
  private refuseLostSummary(input: SummaryInput): void {
    const sum = input.straceSummary;
    const exit = this.main.tracer.exited;
    if (!sum || !exit || sum.tables.some((t) => t.total !== null)) return;
    if (exit.endedBy !== 'SIGTERM' && exit.endedBy !== 'SIGKILL') return;
    throw new CtrscopeError(
      'tracer',
      `strace did not finish detaching within ${(this.main.plan.stopGraceMs ?? DEFAULT_GRACE_MS) / 1000} s of being stopped and was killed (${exit.endedBy}), so its -c table, printed only as it exits, is lost; the kernel let go of every traced thread as it died`,
      'strace waits forever when a traced process is in vfork while its child is held stopped, which container starts do; run again, or use the default bpftrace backend',
    );
  }
}

/** Discovery at the end of a run, merged with what was seen at its start (shims that left keep their role). */
function discoverKeepingExited(start: HostTargets): HostTargets {
  const now = discover();
  const merge = <T extends { pid: number }>(a: T[], b: T[]) => [...a, ...b.filter((x) => !a.some((y) => y.pid === x.pid))];
  return { containerd: merge(now.containerd, start.containerd), shims: merge(now.shims, start.shims), containers: merge(now.containers, start.containers) };
}

// Unref'd: after Ctrl-C the pending timer must not keep ctrscope alive (the tracers keep the loop busy while they run).
