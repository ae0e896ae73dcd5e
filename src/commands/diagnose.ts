/** `ctrscope diagnose [--duration 30s] [--json]`: containerd's health, measured, as findings. */
import type { Command } from 'commander';
import { diagnose, type Finding } from '../aggregate/diagnose.js';
import { collectEvidence } from '../native/diagnose-run.js';
import { durationSchema, parseOption } from '../validate.js';

const MARK: Record<Finding['severity'], string> = { problem: 'PROBLEM', watch: 'WATCH', unknown: 'UNKNOWN', ok: 'ok' };

export function renderFindings(findings: Finding[], header: string): string {
  let s = header + '\n';
  for (const f of findings) {
    s += `\n[${MARK[f.severity]}] ${f.symptom}: ${f.summary}\n`;
    for (const e of f.evidence) s += `    ${e}\n`;
    if (f.next) s += `    next: ${f.next}\n`;
  }
  return s;
}

interface DiagnoseFlags {
  duration: string;
  json?: boolean;
  debugSocket?: string;
  metricsUrl?: string;
}

/** The root command defines the same flags and takes them wherever they stand: those typed win. */
function withRootFlags(local: DiagnoseFlags, cmd: Command): DiagnoseFlags {
  const root = cmd.parent;
  if (!root) return local;
  const out = { ...local } as Record<string, unknown>;
  for (const k of ['duration', 'json', 'debugSocket', 'metricsUrl']) if (root.getOptionValueSource(k) === 'cli') out[k] = root.opts()[k];
  return out as unknown as DiagnoseFlags;
}

export function registerDiagnose(program: Command): void {
  program
    .command('diagnose')
    .description("measure containerd for a while (Go CPU profile, memory, goroutines, gRPC latency, syscall latency) and report high CPU, memory growth and rising latency with their evidence")
    .option('-d, --duration <time>', 'how long to measure', '30s')
    .option('--json', 'print one JSON object')
    .option('--debug-socket <path>', "containerd's debug socket (default: from containerd's config)")
    .option('--metrics-url <url>', "containerd's metrics URL (default: from containerd's config)")
    .action(async (local: DiagnoseFlags, cmd: Command) => {
      const o = withRootFlags(local, cmd);
      const durationSeconds = parseOption(durationSchema, o.duration, '--duration');
      if (!o.json) process.stderr.write(`ctrscope: measuring containerd for ${Math.max(2, Math.round(durationSeconds))} s (Ctrl-C ends early)\n`);
      const { evidence, sources, interrupted } = await collectEvidence({ durationSeconds, debugSocket: o.debugSocket, metricsUrl: o.metricsUrl });
      const findings = diagnose(evidence);
      if (o.json) {
        process.stdout.write(JSON.stringify({ command: 'diagnose', durationSeconds: Math.round(evidence.durationSeconds * 100) / 100, interrupted, sources, findings, evidence }, null, 2) + '\n');
      } else {
        const from = [sources.debugSocket && `pprof at ${sources.debugSocket}`, sources.metricsUrl && `metrics at ${sources.metricsUrl}`, '/proc'].filter(Boolean).join(', ');
        let text = renderFindings(findings, `diagnose: containerd (pid ${sources.pid}) over ${evidence.durationSeconds.toFixed(1)} s, from ${from}`);
        if (evidence.unavailable.length) text += `\nnot measured: ${evidence.unavailable.join('; ')}\n`;
        process.stdout.write(text);
      }
      process.exitCode = 0;
    });
}
