/**
 * The live view's one kernel program (probes/live-kernel.bt) against the separate probes it
 * replaces, on the same work at the same time: a helper (test/bin/vfs-burst.py) makes exactly N
 * getppid calls, N one-byte reads, N one-byte writes and N opens of a file while live-kernel,
 * syscall-count, vfs-latency and file-opens all trace it. Each tracer's own attach record
 * (`attached_probes`) is awaited before the burst. What the live source makes of the combined
 * program (the panels' numbers) must equal what each separate probe counted, and N where N is
 * known exactly.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { missing } from '../helpers/prereq.js';
import { scriptHelper, type Helper } from '../helpers/burst.js';
import { PROBES } from '../../probes/index.js';
import { LIVE_PROBES } from '../../probes/live.js';
import type { ProbeContext, TracerPlan } from '../../probes/types.js';
import { probeContextSync } from '../../src/session/probe-context.js';
import { BpftraceJsonParser } from '../../parsers/bpftrace-json.js';
import { histTotal, normalizeHist } from '../../parsers/bpftrace-hist.js';
import { SYSCALL_DELTA_MAPS } from '../../probes/syscall-count.js';
import { KernelSource } from '../../src/session/live-sources/kernel.js';
import { syscallNamer } from '../../src/host/syscalls.js';
import { guardedArgv } from '../../src/runner/tracer.js';

const skip = missing('root', 'bpftrace', 'tracefs', 'python3');
const N = 3000;

interface Traced {
  child: ChildProcess;
  lines: string[];
  attached: Promise<void>;
  /** live-kernel's first print: bpftrace announces attached_probes before it has attached them all. */
  ticked: Promise<void>;
  done: Promise<void>;
}

/** Runs a plan's bpftrace directly (under the parent-death guard), keeping its stdout lines. */
function trace(plan: TracerPlan): Traced {
  const [file, ...args] = guardedArgv(plan.argv);
  const child = spawn(file!, args, { stdio: ['ignore', 'pipe', 'ignore'], env: { ...process.env, ...plan.env } });
  const lines: string[] = [];
  let rest = '';
  let attachedNow!: () => void;
  const attached = new Promise<void>((r) => (attachedNow = r));
  let tickedNow!: () => void;
  const ticked = new Promise<void>((r) => (tickedNow = r));
  child.stdout!.setEncoding('utf8');
  child.stdout!.on('data', (c: string) => {
    const parts = (rest + c).split('\n');
    rest = parts.pop()!;
    for (const l of parts) {
      lines.push(l);
      if (l.startsWith('{"type": "attached_probes"')) attachedNow();
      if (l.startsWith('{"type": "printf", "data": "tick')) tickedNow();
    }
  });
  const done = new Promise<void>((r) => child.on('close', () => (rest && lines.push(rest), r())));
  return { child, lines, attached, ticked, done };
}

describe.skipIf(skip)('live-kernel.bt against the separate probes on the same work', () => {
  let helper: Helper;
  let dir: string;
  const tracers: Traced[] = [];
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'ctrscope-live-kernel-'));
    writeFileSync(join(dir, 'target.txt'), 'x');
    helper = scriptHelper('vfs-burst.py', [String(N), join(dir, 'target.txt')]);
    await helper.ready;
  });
  afterAll(() => {
    for (const t of tracers) t.child.kill('SIGKILL');
    helper?.child.kill('SIGKILL');
    rmSync(dir, { recursive: true, force: true });
  });

  it('counts the same syscalls, reads, writes and opens as syscall-count, vfs-latency and file-opens', async () => {
    const pid = helper.child.pid!;
    const ctx: ProbeContext = probeContextSync(
      { containerd: [], shims: [], containers: [] },
      { pids: [pid], comms: [], containers: [], defaultTargets: false },
      [{ pid, comm: 'python3', role: 'other' } as ProbeContext['targets'][number]],
    );
    const live = trace(LIVE_PROBES['live-kernel']!.plan(ctx, {}));
    const sc = trace(PROBES['syscall-count']!.plan(ctx, { backend: 'bpftrace' }));
    const vfsPlan = PROBES['vfs-latency']!.plan(ctx, PROBES['vfs-latency']!.params.parse({}));
    // This kernel has no kprobes or kfunc: the tracepoint rung is the one that runs here.
    let rung: TracerPlan = vfsPlan;
    while (rung.fallback) rung = rung.fallback;
    const vfs = trace(rung);
    const opens = trace(PROBES['file-opens']!.plan(ctx, {}));
    tracers.push(live, sc, vfs, opens);
    await Promise.all(tracers.map((t) => t.attached));
    // bpftrace 0.17 prints attached_probes before attaching them one by one (ten here): the
    // combined program's first interval print comes after all of its probes are in, and the
    // others, with fewer probes, started at the same time.
    await live.ticked;

    await helper.burst();
    // Let a print or two pass, then stop them all: each prints what it still holds at exit.
    await new Promise((r) => setTimeout(r, 2500));
    for (const t of tracers) t.child.kill('SIGINT');
    await Promise.all(tracers.map((t) => t.done));

    // The live source, fed the combined program's lines as the live view feeds them.
    const src = new KernelSource(syscallNamer('x64'));
    src.runStarted(0);
    let getppid = 0;
    let liveOpens = 0;
    let prints = 0;
    let lastT = 0;
    for (const [i, l] of live.lines.entries()) {
      const before = src.output(i).syscalls;
      src.line(l, i, 0);
      const out = src.output(i);
      if (out.syscalls === before) continue;
      prints++;
      lastT = i;
      const me = out.targets!.find((x) => x.pid === pid);
      // Rates times the seconds the print covered: that print's counts.
      const secs = out.syscalls!.windowS;
      getppid += (me?.syscalls?.find((r) => r.syscall === 'getppid')?.callsPerSec ?? 0) * secs;
      liveOpens += (me?.metrics?.['opens/s'] ?? 0) * secs;
    }
    src.runEnded(0, lastT + 1);
    expect(prints).toBeGreaterThanOrEqual(2);
    const vfsView = src.output(lastT + 1).vfs!;

    // syscall-count: its delta prints added up by the parser the one-shot run uses.
    const scp = new BpftraceJsonParser(0, { deltaMaps: SYSCALL_DELTA_MAPS });
    for (const l of sc.lines) scp.line(l);
    const calls = scp.result().maps.get('@calls')!.value as Record<string, number>;
    const refGetppid = Object.entries(calls).filter(([k]) => k.endsWith(`,${pid},110`)).reduce((a, [, n]) => a + n, 0);
    expect(refGetppid).toBe(N);
    expect(Math.round(getppid)).toBe(refGetppid);

    // vfs-latency: cumulative hists; the last print holds every call.
    const vp = new BpftraceJsonParser(0);
    for (const l of vfs.lines) vp.line(l);
    const refRead = histTotal(normalizeHist(vp.result().maps.get('@read_ns')!.value as unknown[]));
    const refWrite = histTotal(normalizeHist(vp.result().maps.get('@write_ns')!.value as unknown[]));
    expect(refRead).toBeGreaterThanOrEqual(N);
    expect(refWrite).toBeGreaterThanOrEqual(N);
    expect(vfsView.read.count).toBe(refRead);
    expect(vfsView.write.count).toBe(refWrite);

    // file-opens: cumulative counts keyed path,pid,flags,errno.
    const op = new BpftraceJsonParser(0);
    for (const l of opens.lines) op.line(l);
    const refOpens = Object.entries(op.result().maps.get('@opens')!.value as Record<string, number>)
      .filter(([k]) => k.includes(`,${pid},`))
      .reduce((a, [, n]) => a + n, 0);
    expect(refOpens).toBeGreaterThanOrEqual(N);
    expect(Math.round(liveOpens)).toBe(refOpens);
  });
});
