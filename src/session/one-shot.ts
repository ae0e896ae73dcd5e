/**
 * A one-shot probe run: check the host, find the targets, start the probe's tracer (walking down
 * its attach ladder when a rung fails to attach), start more tracers for targets that appear when
 * the backend takes a fixed pid list, read them while they run, stop them after the duration (or
 * on Ctrl-C), then print one result.
 */
import type { ProbeContext, ProbeDefinition, ProbeReport, SkippedAttach, TargetSelection, TracerPlan } from '../../probes/types.js';
import { contextPids } from '../../probes/filter.js';
import { CtrscopeError } from '../errors.js';
import { ensureTracefs, requireRoot, requireTool } from '../host/preflight.js';
import { detectKernel } from '../host/features.js';
import { clearTheWay } from '../runner/preflight-tracers.js';
import { discover, roleOf, type HostTargets, type Target } from '../targets/discover.js';
import { comm, processGone } from '../targets/procfs.js';
import { resolveTargets } from '../targets/resolve.js';
import { describeEvent, TargetWatch } from '../targets/watch.js';
import { SUMMARIES } from '../summaries/index.js';
import type { Summary, SummaryInput } from '../summaries/types.js';
import { Progress } from '../output/progress.js';
import { writeFileAtomic, checkOutputPath } from '../output/write-file.js';
import { ProbeTracer } from './probe-tracer.js';

export interface OneShotOptions {
  probe: ProbeDefinition<any>;
  params: Record<string, unknown>;
  selection: TargetSelection;
  durationSeconds: number;
  json: boolean;
  output?: string;
  force: boolean;
}

/** At most this many extra per-target tracers (perf stat -p) at once. */
const MAX_FOLLOWERS = 32;
/**
 * A new shim gets its own tracer only once it has lived this long: starting a perf stat costs about
 * as much CPU as a short-lived container's whole shim, so following every one of a burst of
 * container starts would slow them down (measured: 63% of the untraced start rate).
 */
const FOLLOW_MIN_AGE_MS = 1000;

const say = (m: string) => process.stderr.write(`ctrscope: ${m}\n`);

async function prepare(plan: TracerPlan): Promise<void> {
  requireTool(plan.argv[0]!);
  if (plan.backend === 'bpftrace') await ensureTracefs(say);
}

export async function runOneShot(o: OneShotOptions): Promise<number> {
  requireRoot(`--probe ${o.probe.name}`);
  requireTool('setpriv');
  if (o.output) checkOutputPath(o.output, o.force);
  const summary = SUMMARIES[o.probe.name];
  if (!summary) throw new CtrscopeError('internal', `probe ${o.probe.name} has no summary`);
  const host = discover();
  const resolved = resolveTargets(o.selection, host);
  clearTheWay(resolved.map((t) => t.pid), say);
  const ctx: ProbeContext = { host, selection: o.selection, targets: resolved, features: await detectKernel() };
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
  return 0;
}

/** The tracers of one run and what they saw. */
class Run {
  private main!: ProbeTracer;
  private readonly followers: ProbeTracer[] = [];
  private readonly skipped: SkippedAttach[] = [];
  private readonly followed = new Set<number>();
  private followRefused = 0;
  private shortLived = 0;
  private watch?: TargetWatch;
  private wake: () => void = () => undefined;
  private targetGone = false;
  private interrupted = false;
  private deadline = 0;
  /** How long the run went on after the main tracer's target exited (the other tracers counting). */
  private afterMainSeconds = 0;

  constructor(
    private readonly o: OneShotOptions,
    private readonly ctx: ProbeContext,
    private readonly summary: Summary<any>,
  ) {}

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
    try {
      let current: TracerPlan | undefined = plan;
      while (current) {
        this.main = new ProbeTracer(current);
        this.main.start();
        const outcome = await this.attachThenRun(progress);
        progress.stop();
        if (outcome !== 'exited' || this.targetGone || this.explicitTargetsGone()) break;
        if (this.mainTargetGoneWhileFollowing()) {
          // A per-target tracer (perf stat -p) whose process exited, e.g. a containerd that
          // restarted: the others keep counting, so the run goes on to its end.
          const goneAt = Date.now();
          await Promise.race([sleep(Math.max(0, this.deadline - Date.now())), this.signalled()]);
          this.afterMainSeconds = (Date.now() - goneAt) / 1000;
          break;
        }
        // Exited on its own before printing data: a rung that could not attach. Try the next one.
        const why = this.main.failure();
        if (!this.main.producedData && current.fallback) {
          this.skipped.push({ attachPoint: current.attachPoint, why });
          say(`${current.attachPoint} did not attach (${why}); trying ${current.fallback.attachPoint}`);
          current = current.fallback;
          await prepare(current);
          continue;
        }
        throw new CtrscopeError('tracer', `${current.argv[0]} stopped before the run ended: ${why}`);
      }
    } finally {
      progress.stop();
      this.watch?.stop();
      // Handlers stay until every tracer is stopped: a second Ctrl-C must not cut the cleanup short.
      await Promise.all([this.main, ...this.followers].filter(Boolean).map((t) => t.stop()));
      process.off('SIGINT', onSignal);
      process.off('SIGTERM', onSignal);
    }
    return this.interrupted;
  }

  /** True when none of these targets runs any more (exited, or its pid now names another process). */
  private allGone(pids: readonly number[]): boolean {
    return pids.every((p) => processGone(p, this.ctx.targets.find((x) => x.pid === p)?.startTime));
  }

  /**
   * True when the main tracer served one process of a probe that gives every target its own
   * tracer, and that process is gone (or its pid now belongs to another): with the default
   * targets, the tracers of the other targets (a restarted containerd, its shims) go on.
   */
  private mainTargetGoneWhileFollowing(): boolean {
    const pids = this.main.plan.pids ?? [];
    if (!this.o.probe.follow || !this.o.selection.defaultTargets || pids.length === 0) return false;
    const gone = this.allGone(pids);
    if (gone) say(`pid ${pids.join(', ')} exited; its counts until then are kept and the other targets' tracers go on`);
    return gone;
  }

  /** True when targets were named with --pid and none of them runs any more (strace -p exits then). */
  private explicitTargetsGone(): boolean {
    const pids = this.o.selection.pids;
    if (this.o.selection.defaultTargets || pids.length === 0 || !this.main.producedData) return false;
    const gone = this.allGone(pids);
    if (gone) say(`every --pid target exited; the run ends here`);
    return gone;
  }

  private signalled(): Promise<'signal'> {
    if (this.interrupted) return Promise.resolve('signal');
    return new Promise((r) => (this.wake = () => r('signal')));
  }

  private async attachThenRun(progress: Progress): Promise<'done' | 'signal' | 'exited'> {
    const exited = this.main.tracer.wait().then(() => 'exited' as const);
    const first = await Promise.race([this.main.attached().then(() => 'attached' as const), exited, this.signalled()]);
    if (first !== 'attached') return first;
    this.startFollowing();
    progress.start();
    this.deadline = Date.now() + this.o.durationSeconds * 1000;
    return Promise.race([sleep(this.o.durationSeconds * 1000).then(() => 'done' as const), exited, this.signalled()]);
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
      for (const p of this.main.plan.pids ?? []) this.followed.add(p);
      for (const pid of contextPids(this.ctx)) this.addFollower(pid);
    }
    const explicit = this.o.selection.defaultTargets ? [] : this.ctx.targets.filter((t) => this.o.selection.pids.includes(t.pid));
    this.watch = new TargetWatch(this.ctx.host, explicit, (e) => {
      switch (e.kind) {
        case 'shim-started':
          if (follow && this.o.selection.defaultTargets) this.followIfItStays(e.target);
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

  private followIfItStays(t: Target): void {
    setTimeout(() => {
      if (!processGone(t.pid, t.startTime)) this.addFollower(t.pid, t);
      else this.shortLived++;
    }, FOLLOW_MIN_AGE_MS).unref();
  }

  private addFollower(pid: number, target?: Target): void {
    if (this.followed.has(pid)) return;
    this.followed.add(pid);
    if (this.followers.filter((f) => !f.tracer.exited).length >= MAX_FOLLOWERS) {
      this.followRefused++;
      return;
    }
    const t: Target = target ?? { pid, comm: comm(pid) ?? '?', role: roleOf(pid, comm(pid) ?? '', this.ctx.host) };
    const plan = this.o.probe.follow!(t, this.ctx, this.o.params);
    if (!plan) return;
    const f = new ProbeTracer(plan);
    this.followers.push(f);
    f.start();
  }

  private input(host: HostTargets = this.ctx.host): SummaryInput {
    const input: SummaryInput = { host, targets: this.ctx.targets, selection: this.o.selection };
    const r = this.main.result();
    if (r.kind === 'bpftrace-json') input.bpftrace = r.result;
    else if (r.kind === 'strace') input.strace = r.result;
    else if (r.kind === 'strace-summary') input.straceSummary = r.result;
    const perf = [this.main, ...this.followers].filter((t) => t.plan.parser === 'perf-stat');
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
    const { fields, targets } = this.summary.fields(input);
    const warnings: string[] = [];
    const lost = input.bpftrace?.lostEvents ?? 0;
    if (lost) warnings.push(`${lost} events lost by bpftrace`);
    const unrecognized = input.bpftrace?.unrecognized ?? input.strace?.unrecognized ?? input.straceSummary?.unrecognized ?? 0;
    if (unrecognized) warnings.push(`${unrecognized} lines of ${this.main.plan.backend} output not understood`);
    const dropped = [this.main, ...this.followers].reduce((a, t) => a + (t.tracer.exited?.droppedLines ?? 0), 0);
    if (dropped) warnings.push(`${dropped} lines of tracer output dropped (ctrscope fell behind)`);
    const failed = (input.perf ?? []).filter((p) => p.failed).length;
    if (failed) warnings.push(`${failed} target processes exited before perf could count them`);
    if (this.shortLived) warnings.push(`${this.shortLived} shims exited within ${FOLLOW_MIN_AGE_MS / 1000} s of starting and were not counted (a per-target tracer is started only for shims that stay)`);
    if (this.followRefused) warnings.push(`${this.followRefused} targets not counted: at most ${MAX_FOLLOWERS} per-target tracers run at once`);
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
}

/** Discovery at the end of a run, merged with what was seen at its start (shims that left keep their role). */
function discoverKeepingExited(start: HostTargets): HostTargets {
  const now = discover();
  const merge = <T extends { pid: number }>(a: T[], b: T[]) => [...a, ...b.filter((x) => !a.some((y) => y.pid === x.pid))];
  return { containerd: merge(now.containerd, start.containerd), shims: merge(now.shims, start.shims), containers: merge(now.containers, start.containers) };
}

// Unref'd: after Ctrl-C the pending timer must not keep ctrscope alive (the tracers keep the loop busy while they run).
const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms).unref());
