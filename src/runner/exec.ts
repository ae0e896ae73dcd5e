/** Short-lived helper commands (mount, version queries). Tracers go through tracer.ts instead. */
import { execa } from 'execa';

export interface RunResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs argv to completion with a timeout; never throws (a missing tool is code 127). */
export async function run(argv: string[], timeoutMs = 10_000): Promise<RunResult> {
  const [file, ...args] = argv;
  const r = await execa(file!, args, { reject: false, timeout: timeoutMs, stdin: 'ignore', env: { LC_ALL: 'C' } });
  const code = typeof r.exitCode === 'number' ? r.exitCode : r.failed && (r as { code?: string }).code === 'ENOENT' ? 127 : 1;
  return { code, stdout: String(r.stdout ?? ''), stderr: String(r.stderr ?? '') };
}

export async function mountFs(fs: string, path: string): Promise<boolean> {
  return (await run(['mount', '-t', fs, 'nodev', path])).code === 0;
}
