/**
 * What the runner's unit tests share: the built runner (dist/, which global-setup builds: the
 * drain thread is a worker_threads Worker and loads compiled JavaScript, so these tests cannot
 * run src/ through vitest's transform), the fixture programs in test/bin, and small readers of
 * /proc and of a Tracer's output.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { Tracer as TracerT, TracerExit, TracerHandlers, TracerSpec } from '../../../src/runner/tracer.js';

// CTRSCOPE_TEST_DIST: another build to run these tests against (e.g. an older one, to see them fail).
const distRoot = process.env.CTRSCOPE_TEST_DIST ? pathToFileURL(`${process.env.CTRSCOPE_TEST_DIST}/`) : new URL('../../../dist/', import.meta.url);
const dist = (p: string) => new URL(p, distRoot).href;

export const { Tracer } = (await import(dist('src/runner/tracer.js'))) as { Tracer: new (spec: TracerSpec) => TracerT };
export const { drainThreads } = (await import(dist('src/runner/drain-pool.js'))) as { drainThreads: () => number };
export const { ProbeTracer } = (await import(dist('src/session/probe-tracer.js'))) as typeof import('../../../src/session/probe-tracer.js');

/** argv that runs a node fixture from test/bin. */
export function fixture(name: string, ...args: string[]): string[] {
  return [process.execPath, fileURLToPath(new URL(`../../bin/${name}`, import.meta.url)), ...args];
}

/** A field of /proc/PID/status ("Threads", "VmRSS", "SigCgt"), as its text. */
export function status(pid: number | 'self', key: string): string {
  const m = new RegExp(`^${key}:\\s+(\\S+)`, 'm').exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  if (!m) throw new Error(`no ${key} in /proc/${pid}/status`);
  return m[1]!;
}

export interface Started {
  tracer: TracerT;
  stdout: string[];
  stderr: string[];
  watchdog: string[];
  dropped: { bytes: number; lines: number };
  /** Resolves at the first stdout line equal to `line`. */
  saw(line: string): Promise<void>;
  exit: Promise<TracerExit>;
}

/** Starts a tracer and records everything it reports. */
export function startTracer(spec: TracerSpec, extra: TracerHandlers = {}): Started {
  const tracer = new Tracer(spec);
  const s: Started = { tracer, stdout: [], stderr: [], watchdog: [], dropped: { bytes: 0, lines: 0 }, saw: () => Promise.resolve(), exit: undefined! };
  const waiters: Array<[string, () => void]> = [];
  s.saw = (line) => (s.stdout.includes(line) ? Promise.resolve() : new Promise((r) => waiters.push([line, r])));
  tracer.start({
    ...extra,
    onStdoutLine: (l) => {
      s.stdout.push(l);
      for (const [want, r] of waiters) if (want === l) r();
    },
    onStderrLine: (l) => s.stderr.push(l),
    onWatchdog: (why) => s.watchdog.push(why),
    onDropped: (bytes, lines) => {
      s.dropped.bytes += bytes;
      s.dropped.lines += lines;
    },
  });
  s.exit = tracer.wait();
  return s;
}
