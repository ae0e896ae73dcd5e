/** Runs the built CLI (dist/, made by test/global-setup.ts) as a real child process. */
import { spawn, type ChildProcess } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

export const CLI = fileURLToPath(new URL('../../dist/src/cli.js', import.meta.url));
export const REPO = fileURLToPath(new URL('../../', import.meta.url));

export interface CliResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  pid: number;
}

export function startCli(args: string[], opts: { input?: string; env?: Record<string, string> } = {}): { child: ChildProcess; done: Promise<CliResult>; stderr: () => string } {
  const child = spawn(process.execPath, [CLI, ...args], { env: { ...process.env, ...opts.env }, stdio: ['pipe', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout!.on('data', (c) => (stdout += c));
  child.stderr!.on('data', (c) => (stderr += c));
  if (opts.input !== undefined) child.stdin!.end(opts.input);
  else child.stdin!.end();
  const done = new Promise<CliResult>((resolve) => child.on('close', (code, signal) => resolve({ code, signal, stdout, stderr, pid: child.pid! })));
  return { child, done, stderr: () => stderr };
}

export function runCli(args: string[], opts: { input?: string; env?: Record<string, string> } = {}): Promise<CliResult> {
  return startCli(args, opts).done;
}

/** Pids of live processes started by a ctrscope with this pid (they carry CTRSCOPE_SESSION=<pid>). */
export function tracersOf(sessionPid: number): number[] {
  const out: number[] = [];
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const env = readFileSync(`/proc/${name}/environ`, 'latin1');
      if (env.split('\0').includes(`CTRSCOPE_SESSION=${sessionPid}`)) out.push(Number(name));
    } catch {
      // gone, or a kernel thread
    }
  }
  return out;
}

/** Starts scripts/load.sh in the background; stop() ends it (it removes its containers). */
export function startLoad(count = 0, env: Record<string, string> = {}): { stop: () => Promise<void>; child: ChildProcess } {
  const child = spawn('setpriv', ['--pdeathsig', 'TERM', '--', 'bash', `${REPO}scripts/load.sh`, String(count)], { stdio: 'ignore', env: { ...process.env, ...env } });
  const exited = new Promise<void>((r) => child.on('close', () => r()));
  return {
    child,
    stop: async () => {
      if (child.exitCode === null) child.kill('SIGTERM');
      await exited;
    },
  };
}
