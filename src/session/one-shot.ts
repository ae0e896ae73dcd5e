/**
 * A one-shot probe run: check the host, find the targets, start the tracer, read it while it runs,
 * stop it after the duration (or on Ctrl-C), then print one result.
 */
import { BpftraceJsonParser } from '../../parsers/bpftrace-json.js';
import type { ProbeDefinition, ProbeReport, TargetSelection } from '../../probes/types.js';
import { CtrscopeError } from '../errors.js';
import { ensureTracefs, requireRoot, requireTool } from '../host/preflight.js';
import { Tracer } from '../runner/tracer.js';
import { clearTheWay } from '../runner/preflight-tracers.js';
import { discover } from '../targets/discover.js';
import { resolveTargets } from '../targets/resolve.js';
import { SUMMARIES } from '../summaries/index.js';
import { Progress } from '../output/progress.js';
import { writeFileAtomic, checkOutputPath } from '../output/write-file.js';

export interface OneShotOptions {
  probe: ProbeDefinition<any>;
  params: Record<string, unknown>;
  selection: TargetSelection;
  durationSeconds: number;
  json: boolean;
  output?: string;
  force: boolean;
}

export async function runOneShot(o: OneShotOptions): Promise<number> {
  const say = (m: string) => process.stderr.write(`ctrscope: ${m}\n`);
  requireRoot(`--probe ${o.probe.name}`);
  requireTool('setpriv');
  if (o.output) checkOutputPath(o.output, o.force);
  const host = discover();
  const resolved = resolveTargets(o.selection, host);
  clearTheWay(resolved.map((t) => t.pid), say);
  const plan = o.probe.plan({ host, selection: o.selection, targets: resolved }, o.params);
  requireTool(plan.argv[0]!);
  if (plan.backend === 'bpftrace') await ensureTracefs(say);
  if (plan.warning) say(plan.warning);
  for (const s of plan.skipped) say(`not using ${s.attachPoint}: ${s.why}`);

  const summary = SUMMARIES[o.probe.name];
  if (!summary) throw new CtrscopeError('internal', `probe ${o.probe.name} has no summary`);
  const parser = new BpftraceJsonParser();
  const tracer = new Tracer({ label: plan.backend, argv: plan.argv });
  let attachedAt = 0;
  let stoppedAt = 0;
  const progress = new Progress(o.probe.name, o.durationSeconds, () => {
    try {
      return summary.fields({ bpftrace: parser.result(), host }).events;
    } catch {
      return 0;
    }
  });
  let resolveAttached!: () => void;
  const attached = new Promise<void>((r) => (resolveAttached = r));
  tracer.start({
    onStdoutLine: (l) => {
      parser.line(l);
      if (!attachedAt && parser.result().attachedProbes !== null) {
        attachedAt = Date.now();
        resolveAttached();
      }
    },
  });

  // Ctrl-C and SIGTERM end the run early; the result is still printed.
  let interrupted = false;
  let wake: () => void = () => undefined;
  const onSignal = () => {
    interrupted = true;
    wake();
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  try {
    const exitedEarly = tracer.wait().then(() => 'exited' as const);
    const first = await Promise.race([attached.then(() => 'attached' as const), exitedEarly, new Promise<'signal'>((r) => (wake = () => r('signal')))]);
    if (first === 'exited') throw tracerFailed(plan.argv[0]!, tracer);
    if (first === 'attached') {
      progress.start();
      const ended = await Promise.race([
        sleep(o.durationSeconds * 1000).then(() => 'done' as const),
        exitedEarly,
        new Promise<'signal'>((r) => (wake = () => r('signal'))),
      ]);
      progress.stop();
      if (ended === 'exited') throw tracerFailed(plan.argv[0]!, tracer);
    }
    stoppedAt = Date.now();
    await tracer.stop();
  } finally {
    progress.stop();
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
    if (!tracer.exited) await tracer.stop();
  }

  const result = parser.result();
  const { fields, targets } = summary.fields({ bpftrace: result, host: discoverKeepingExited(host) });
  const warnings: string[] = [];
  if (result.lostEvents) warnings.push(`${result.lostEvents} events lost by bpftrace`);
  if (result.unrecognized) warnings.push(`${result.unrecognized} lines of bpftrace output not understood`);
  const report: ProbeReport = {
    probe: o.probe.name,
    backend: plan.backend,
    attachPoint: plan.attachPoint,
    skipped: plan.skipped,
    durationSeconds: attachedAt ? Math.round((stoppedAt - attachedAt) / 10) / 100 : 0,
    targets,
    lostEvents: result.lostEvents,
    warnings,
    ...fields,
  };
  if (interrupted) say('interrupted: result covers the time until Ctrl-C');
  const text = o.json ? JSON.stringify(report, null, 2) + '\n' : summary.render(report as never);
  if (o.output) {
    writeFileAtomic(o.output, text, o.force);
    say(`wrote ${o.output}`);
  } else process.stdout.write(text);
  for (const w of warnings) say(`warning: ${w}`);
  return 0;
}

/** Discovery at the end of a run, merged with what was seen at its start (shims that left keep their role). */
function discoverKeepingExited(start: ReturnType<typeof discover>): ReturnType<typeof discover> {
  const now = discover();
  const merge = <T extends { pid: number }>(a: T[], b: T[]) => [...a, ...b.filter((x) => !a.some((y) => y.pid === x.pid))];
  return { containerd: merge(now.containerd, start.containerd), shims: merge(now.shims, start.shims), containers: merge(now.containers, start.containers) };
}

function tracerFailed(tool: string, t: Tracer): CtrscopeError {
  const tail = (t.exited?.stderrTail ?? []).filter((l) => l.trim() && !/RLIMIT_MEMLOCK/.test(l));
  const last = tail.slice(-2).join(' / ').slice(0, 300) || `exit code ${t.exited?.code ?? t.exited?.signal}`;
  return new CtrscopeError('tracer', `${tool} stopped before the run ended: ${last}`);
}

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));
