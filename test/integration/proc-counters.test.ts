/**
 * The live sched source's /proc numbers on the real containerd under scripts/load.sh, checked
 * against `perf stat -e context-switches,cpu-migrations,page-faults -p PID` over the same window:
 * perf prints an interval each second and a /proc poll is taken as each interval line arrives, so
 * both measure the same seconds (block noise and drift cancel; only the poll's lateness, a few ms,
 * does not). perf runs with --no-inherit: with inheritance it would also count the processes
 * containerd forks (shim starts: tens of thousands of page faults a second), which /proc/PID does
 * not. Then: discovery-driven polls see the short-lived shims, and what a poll costs.
 */
import { spawn } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { parsePollLine, type ProcPoll } from '../../parsers/proc-counters.js';
import { ProcCounterReader, counterTargets } from '../../src/host/proc-counters.js';
import { schedSource } from '../../src/session/live-sources/sched.js';
import { discover, type HostTargets } from '../../src/targets/discover.js';
import { missing } from '../helpers/prereq.js';
import { relDiff, underLoad } from '../helpers/probe-run.js';

const skip = missing('root', 'perf', 'containerd', 'image');

/** Whole-window difference allowed: same seconds measured, so this covers only the polls' lateness. */
const TOL = 0.05;
const NO_HOST: HostTargets = { containerd: [], shims: [], containers: [] };

interface Interval {
  /** perf's interval end, s since it started. */
  t: number;
  perf: Record<string, number>;
  /** The poll taken when the interval's last line arrived, as the recorded JSON line. */
  line: string;
  at: number;
}

/** Runs perf stat -I 1000 on pid for `intervals` intervals, polling /proc at each one. */
async function perfWithPolls(pid: number, intervals: number, reader: ProcCounterReader): Promise<Interval[]> {
  const events = ['context-switches', 'cpu-migrations', 'page-faults'];
  const child = spawn('setpriv', ['--pdeathsig', 'KILL', '--', 'perf', 'stat', '-x,', '--no-inherit', '--log-fd', '1', '-I', '1000', '-e', events.join(','), '-p', String(pid)], { stdio: ['ignore', 'pipe', 'pipe'] });
  const out: Interval[] = [];
  let err = '';
  let rest = '';
  let cur: { t: number; perf: Record<string, number> } | null = null;
  child.stderr.on('data', (c) => (err += c));
  const t0 = performance.now();
  const enough = new Promise<void>((resolve) => {
    child.stdout.on('data', (c) => {
      const lines = (rest + c).split('\n');
      rest = lines.pop()!;
      for (const l of lines) {
        const f = l.trim().split(',');
        if (f.length < 4 || !events.includes(f[3]!)) continue;
        if (!cur || cur.t !== Number(f[0])) cur = { t: Number(f[0]), perf: {} };
        cur.perf[f[3]!] = Number(f[1]);
        // perf prints the events in the order asked: the last one completes the interval.
        // (The short interval perf prints when stopped is not one of them.)
        if (f[3] === events.at(-1) && out.length < intervals) {
          out.push({ ...cur, line: reader.line([{ pid }]), at: performance.now() - t0 });
          if (out.length >= intervals) resolve();
        }
      }
    });
    child.on('close', () => resolve());
  });
  try {
    await enough;
  } finally {
    if (child.exitCode === null) child.kill('SIGINT');
    await new Promise((r) => (child.exitCode === null ? child.on('close', r) : r(null)));
  }
  expect(out.length, `perf stat gave ${out.length} intervals: ${err.slice(-300)}`).toBe(intervals);
  return out;
}

const procOf = (line: string): ProcPoll['procs'][number] => parsePollLine(line)!.poll.procs[0]!;
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

describe.skipIf(skip)('/proc counters against perf stat on the real containerd under load', () => {
  const host = underLoad();

  it('context switches, migrations and page faults: the live source\'s totals are perf\'s over the same 10 s', async () => {
    const reader = new ProcCounterReader();
    // Interval 1 covers perf's start; its poll is the baseline, then 10 intervals are compared.
    const ivs = await perfWithPolls(host.cd, 11, reader);
    const src = schedSource.create({ arch: process.arch });
    ivs.forEach((iv, run) => {
      src.runStarted?.(run, iv.at, {});
      src.line(iv.line, iv.at, run);
      src.runEnded?.(run, iv.at);
    });
    const out = src.output(ivs.at(-1)!.at, NO_HOST);
    const counted = ivs.slice(1);
    const perf = (e: string) => counted.reduce((a, iv) => a + iv.perf[e]!, 0);
    const total = (name: string) => out.sched!.counters.find((c) => c.name === name)!.total!;
    const first = procOf(ivs[0]!.line);
    const last = procOf(ivs.at(-1)!.line);
    const figures = {
      cs: [total('context switches'), perf('context-switches')],
      migr: [total('CPU migrations'), perf('cpu-migrations')],
      faults: [total('page faults'), perf('page-faults')],
      threads: last.th.length,
      involuntaryShare: (last.nvcs - first.nvcs) / (last.vcs + last.nvcs - first.vcs - first.nvcs),
    };
    console.log('proc vs perf over 10 s:', JSON.stringify(figures));
    // Under load containerd switches thousands of times a second: the comparison means something.
    expect(perf('context-switches')).toBeGreaterThan(5000);
    expect(relDiff(total('context switches'), perf('context-switches'))).toBeLessThan(TOL);
    // The check tells a wrong field: voluntary switches alone, or the main thread alone, are far off.
    expect(relDiff(last.vcs - first.vcs, perf('context-switches'))).toBeGreaterThan(TOL);
    const main = (p: typeof first) => p.th.find((r) => r[0] === host.cd)!;
    expect(relDiff(main(last)[1] + main(last)[2] - main(first)[1] - main(first)[2], perf('context-switches'))).toBeGreaterThan(0.5);
    // Fewer events: a few of slack on top of the relative tolerance.
    expect(Math.abs(total('CPU migrations') - perf('cpu-migrations'))).toBeLessThanOrEqual(TOL * perf('cpu-migrations') + 10);
    expect(Math.abs(total('page faults') - perf('page-faults'))).toBeLessThanOrEqual(TOL * perf('page-faults') + 20);
    // Second by second too (the median, so one late poll on a busy host cannot decide it).
    const perSecond = counted.map((iv, i) => {
      const a = procOf(ivs[i]!.line);
      const b = procOf(iv.line);
      return relDiff(b.vcs + b.nvcs - a.vcs - a.nvcs, iv.perf['context-switches']!);
    });
    expect(perSecond).toHaveLength(10);
    expect(median(perSecond)).toBeLessThan(TOL);
    // The rate shown is the latest interval's: the last two polls' difference over the time
    // between them (a poll taken late on a busy host covers more than perf's second, so perf's
    // last second alone is only a loose check), not the whole window's average.
    const prev = ivs.at(-2)!;
    const lastIv = ivs.at(-1)!;
    const cs = out.sched!.counters.find((c) => c.name === 'context switches')!.perSec!;
    const lastDelta = last.vcs + last.nvcs - procOf(prev.line).vcs - procOf(prev.line).nvcs;
    expect(relDiff(cs, lastDelta / ((lastIv.at - prev.at) / 1000))).toBeLessThan(0.01);
    expect(relDiff(cs, lastIv.perf['context-switches']!)).toBeLessThan(0.5);
    expect(out.sched!.counters.filter((c) => c.name.startsWith('cache')).map((c) => c.supported)).toEqual([false, false]);
  });

  it('polls of each discovery take in the short-lived shims; a poll of containerd and the shims costs milliseconds', async () => {
    const reader = new ProcCounterReader();
    const src = schedSource.create({ arch: process.arch });
    const ms: number[] = [];
    let shimsPolled = 0;
    let shimsMeasured = 0;
    for (let run = 0; run < 12; run++) {
      const targets = counterTargets(discover());
      const t0 = performance.now();
      const line = reader.line(targets);
      ms.push(performance.now() - t0);
      const poll = parsePollLine(line)!.poll;
      shimsPolled += poll.procs.filter((p) => p.comm === 'containerd-shim').length;
      src.line(line, run * 500, run);
      const o = src.output(run * 500, NO_HOST);
      shimsMeasured += (o.targets ?? []).filter((x) => x.comm === 'containerd-shim' && x.metrics!['ctx-sw/s'] !== null).length;
      await new Promise((r) => setTimeout(r, 500));
    }
    console.log(`12 polls: ${shimsPolled} shim samples, ${shimsMeasured} with a rate; poll ms median ${median(ms).toFixed(2)}, max ${Math.max(...ms).toFixed(2)}`);
    expect(shimsPolled).toBeGreaterThan(0);
    expect(shimsMeasured).toBeGreaterThan(0);
    expect(median(ms)).toBeLessThan(100);
  });
});
