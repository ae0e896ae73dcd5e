/** `ctrscope doctor [--json]`: what this host can trace, each line ok or what is wrong and the one fix. */
import type { Command } from 'commander';
import { ExitCode } from '../errors.js';
import { detectKernel, detectTools } from '../host/features.js';
import { containerdChecks, kernelChecks, toolChecks, type Check } from '../host/doctor-checks.js';
import { isRoot } from '../host/preflight.js';

export async function doctorChecks(): Promise<Check[]> {
  const root = isRoot();
  const [kernel, tools, containerd] = await Promise.all([detectKernel(), detectTools(), containerdChecks()]);
  const rootCheck: Check = root
    ? { name: 'root', status: 'ok', detail: 'running as root' }
    : { name: 'root', status: 'fail', detail: 'not root: tracers need CAP_SYS_ADMIN / CAP_BPF and ptrace rights', fix: 'sudo ctrscope doctor', kind: 'notRoot' };
  return [rootCheck, ...toolChecks(tools), ...kernelChecks(kernel, root), ...containerd];
}

const MARK = { ok: 'ok  ', warn: 'WARN', fail: 'FAIL' } as const;

export function renderChecks(checks: Check[]): string {
  const w = Math.max(...checks.map((c) => c.name.length));
  const lines = checks.map((c) => `${MARK[c.status]}  ${c.name.padEnd(w)}  ${c.detail}${c.fix ? `\n${' '.repeat(w + 8)}fix: ${c.fix}` : ''}`);
  const fails = checks.filter((c) => c.status === 'fail').length;
  const warns = checks.filter((c) => c.status === 'warn').length;
  return `${lines.join('\n')}\n\n${fails ? `${fails} problems` : 'no problems'}, ${warns} warnings\n`;
}

/** 0 when nothing fails; else the exit code of the first failing check's kind. */
export function doctorExitCode(checks: Check[]): number {
  const f = checks.find((c) => c.status === 'fail');
  return f ? ExitCode[f.kind ?? 'kernelFeature'] : 0;
}

export function registerDoctor(program: Command): void {
  program
    .command('doctor')
    .description('check what this host can trace: root, tools, tracefs, kprobes, kfunc, tracepoints, uprobes, BTF, counters, lockdown, containerd sockets')
    .option('--json', 'print one JSON object')
    .action(async (o: { json?: boolean }) => {
      const checks = await doctorChecks();
      const code = doctorExitCode(checks);
      process.stdout.write(o.json ? JSON.stringify({ ok: code === 0, checks }, null, 2) + '\n' : renderChecks(checks));
      process.exitCode = code;
    });
}
