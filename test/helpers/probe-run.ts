/**
 * For probe integration tests: an independent bpftrace count taken around a ctrscope run, and a
 * ctrscope --json run that also checks none of its tracers outlive it.
 */
import { spawn } from 'node:child_process';
import { afterAll, beforeAll, expect } from 'vitest';
import { startCli, startLoad, tracersOf, type CliResult } from './cli.js';
import { containerdPid } from './prereq.js';
import { readFileSync } from 'node:fs';
import { bpftraceAttached, eventFds } from './attach.js';

/** "state S in WCHAN" of a process, for a failure message. */
function procState(pid: number): string {
  try {
    const st = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return `state ${st.slice(st.lastIndexOf(')') + 2).split(' ')[0]} in ${readFileSync(`/proc/${pid}/wchan`, 'utf8')}`;
  } catch {
    return 'gone';
  }
}

export interface RefCount {
  attached: Promise<void>;
  /** Every map the program printed, with when its line arrived (Date.now()). */
  prints: Array<{ at: number; data: Record<string, any> }>;
  /** Stops the reference (SIGINT: bpftrace prints its maps) and returns them with the seconds attached. */
  stop(): Promise<{ maps: Record<string, any>; seconds: number }>;
}

/** Starts `bpftrace -f json -e program` (the test's own program), under a parent-death signal so a test that dies cannot leave it attached. */
export function refCount(program: string): RefCount {
  const child = spawn('setpriv', ['--pdeathsig', 'KILL', '--', 'bpftrace', '-f', 'json', '-e', program], { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  let lineStart = 0;
  const prints: RefCount['prints'] = [];
  let seenAttaching = false;
  let attachedAt = 0;
  let stoppedAt = 0;
  child.stderr.on('data', (c) => (err += c));
  const attached = new Promise<void>((resolve, reject) => {
    child.stdout.on('data', (c) => {
      out += c;
      for (let nl = out.indexOf('\n', lineStart); nl >= 0; nl = out.indexOf('\n', lineStart)) {
        const l = out.slice(lineStart, nl);
        lineStart = nl + 1;
        if (l.startsWith('{"type": "map"')) prints.push({ at: Date.now(), data: JSON.parse(l).data });
      }
      if (!seenAttaching && out.includes('attached_probes')) {
        seenAttaching = true;
        // bpftrace prints attached_probes before it attaches them: the kernel says when it has.
        const poll = setInterval(() => {
          if (!bpftraceAttached(child.pid!)) return;
          clearInterval(poll);
          clearTimeout(late);
          attachedAt = Date.now();
          resolve();
        }, 10);
        child.once('close', () => clearInterval(poll));
      }
    });
    // A reference that never attaches fails the test with what it was doing, not a test timeout.
    const late = setTimeout(() => {
      const n = eventFds(child.pid!);
      reject(new Error(`reference bpftrace did not attach in 30 s: ${n.perf} perf event fds, ${n.prog} programs, ${procState(child.pid!)}; stderr: ${err.slice(-300)}`));
      child.kill('SIGKILL');
    }, 30_000);
    child.once('close', () => clearTimeout(late));
    child.on('close', () => reject(new Error(`reference bpftrace exited: ${err.slice(-300)}`)));
  });
  attached.catch(() => undefined);
  const done = new Promise<{ maps: Record<string, any>; seconds: number }>((resolve) =>
    child.on('close', () => {
      const maps: Record<string, any> = {};
      for (const l of out.split('\n')) {
        if (!l.startsWith('{')) continue;
        const o = JSON.parse(l);
        if (o.type === 'map' || o.type === 'hist') Object.assign(maps, o.data);
      }
      resolve({ maps, seconds: (stoppedAt - attachedAt) / 1000 });
    }),
  );
  return {
    attached,
    prints,
    stop: () => {
      stoppedAt = Date.now();
      child.kill('SIGINT');
      // bpftrace 0.17 at times stays in epoll_wait after SIGINT (seen on this VM in CI, 1 run in
      // ~20 of a reference without an interval probe: nothing wakes its loop to see the signal's
      // flag); SIGINT again every 2 s wakes it. A reference that still does not end fails the test
      // with its state, not a test timeout.
      let late: NodeJS.Timeout | undefined;
      const again = setInterval(() => child.kill('SIGINT'), 2000);
      const stuck = new Promise<never>((_, reject) => {
        late = setTimeout(() => {
          const n = eventFds(child.pid!);
          reject(new Error(`reference bpftrace still running 20 s after SIGINT: ${n.perf} perf event fds, ${n.prog} programs, ${procState(child.pid!)}; stderr: ${err.slice(-300)}`));
          child.kill('SIGKILL');
        }, 20_000);
      });
      return Promise.race([done, stuck]).finally(() => (clearTimeout(late), clearInterval(again)));
    },
  };
}

/** Runs ctrscope with --json; asserts a tracer of its session ran and that none is left after. */
export async function runProbe(args: string[], opts: { pollMs?: number; env?: Record<string, string> } = {}): Promise<{ report: any; res: CliResult }> {
  const run = startCli([...args, '--json'], { env: opts.env });
  let seen: number[] = [];
  // Look for the run's tracers while it runs (they start after host checks and target discovery).
  const t = setInterval(() => {
    if (seen.length === 0) seen = tracersOf(run.child.pid!);
  }, opts.pollMs ?? 300);
  // A run that does not end fails the test with where it waits, not a test timeout.
  let late: NodeJS.Timeout | undefined;
  const stuck = new Promise<never>((_, reject) => {
    late = setTimeout(() => {
      const tracers = tracersOf(run.child.pid!).map((p) => `${p}: ${procState(p)}`);
      run.child.kill('SIGINT');
      reject(new Error(`ctrscope ${args.join(' ')} still running after 60 s (${procState(run.child.pid!)}; tracers ${tracers.join(', ') || 'none'}); stderr so far: ${run.stderr().slice(-500)}`));
    }, 60_000);
  });
  const res = await Promise.race([run.done, stuck]).finally(() => clearTimeout(late));
  clearInterval(t);
  expect(res.stderr).not.toMatch(/internal error/);
  expect(res.code, res.stderr).toBe(0);
  expect(seen.length, 'a tracer of this run was alive while it ran').toBeGreaterThan(0);
  expect(tracersOf(res.pid), 'no tracer left after the run').toEqual([]);
  return { report: JSON.parse(res.stdout), res };
}

/** |a - b| / b. */
export const relDiff = (a: number, b: number) => Math.abs(a - b) / b;

export const sumValues = (o: Record<string, number> | undefined) => Object.values(o ?? {}).reduce((a, b) => a + b, 0);

/** In a describe: scripts/load.sh runs for the whole block; returns containerd's pid (read in beforeAll). */
export function underLoad(): { cd: number } {
  const state = { cd: 0 };
  let load: ReturnType<typeof startLoad> | undefined;
  beforeAll(async () => {
    state.cd = containerdPid()!;
    load = startLoad(0);
    await new Promise((r) => setTimeout(r, 800));
  });
  afterAll(async () => {
    await load?.stop();
  });
  return state;
}
