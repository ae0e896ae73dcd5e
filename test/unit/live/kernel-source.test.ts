/**
 * The live view's kernel source on a real capture of probes/live-kernel.bt under a container-start
 * loop (fixtures/probes/live-kernel.jsonl.gz; the command is in fixtures/probes/README.md). The
 * expected figures are computed here from the capture's own JSON records, independently of the
 * source's code path; chunk boundaries must not change anything; and its state stays bounded by
 * the window it shows however many prints arrive.
 */
import { describe, expect, it } from 'vitest';
import { fixtureBytes } from '../../helpers/chunks.js';
import { LiveEngine } from '../../../src/session/live.js';
import { HISTORY, KernelSource, WINDOW_PRINTS, kernelSource } from '../../../src/session/live-sources/kernel.js';
import { syscallNamer } from '../../../src/host/syscalls.js';
import { targetChangesInLine } from '../../../src/session/live-sources/kernel-print.js';

const FIXTURE = new URL('../../../fixtures/probes/live-kernel.jsonl.gz', import.meta.url).pathname;
const text = fixtureBytes(FIXTURE).toString('utf8');
const lines = text.split('\n');
const isTick = (l: string) => l.startsWith('{"type": "printf", "data": "tick');

type Rec = { type: string; data: Record<string, unknown> };
/** The capture's prints, each the records between two ticks, read with JSON.parse. */
function prints(): Array<Map<string, unknown>> {
  const out: Array<Map<string, unknown>> = [];
  let cur = new Map<string, unknown>();
  for (const l of lines) {
    if (isTick(l)) {
      out.push(cur);
      cur = new Map();
    } else if (l.startsWith('{"type": "map"') || l.startsWith('{"type": "hist"') || l.startsWith('{"type": "stats"')) {
      const r = JSON.parse(l) as Rec;
      for (const [k, v] of Object.entries(r.data)) cur.set(k.replace(/_[01]$/, ''), v);
    }
  }
  return out;
}

const sumCounts = (h: unknown) => (h as Array<{ count: number }>).reduce((a, b) => a + b.count, 0);

describe('kernel live source on a real live-kernel.bt capture', () => {
  const all = prints();

  it('the capture has several prints with syscalls, reads and opens', () => {
    expect(all.length).toBeGreaterThanOrEqual(3);
    expect(all.filter((p) => p.has('@sc')).length).toBeGreaterThanOrEqual(3);
    expect(all.some((p) => p.has('@read_ns'))).toBe(true);
    expect(all.some((p) => p.has('@opens'))).toBe(true);
  });

  it('after each print: calls/s, per-syscall rows, VFS window and opens/s equal the print itself', () => {
    const src = new KernelSource(syscallNamer('x64'));
    src.runStarted(0);
    const nameOf = syscallNamer('x64');
    let p = 0;
    let checked = 0;
    let withFutex = 0;
    let withContainerd = 0;
    let withShims = 0;
    for (const [i, l] of lines.entries()) {
      src.line(l, i * 10, 0);
      if (!isTick(l)) continue;
      const print = all[p++]!;
      const out = src.output(i * 10);
      const secs = out.syscalls!.windowS;
      expect(secs).toBeGreaterThan(0);
      const sc = Object.entries((print.get('@sc') ?? {}) as Record<string, { count: number }>);
      const total = sc.reduce((a, [, v]) => a + v.count, 0);
      expect(out.syscalls!.callsPerSec * secs).toBeCloseTo(total, 6);
      // One syscall's row against its keys (futex, 202, in every print but the nearly empty last).
      const futex = sc.filter(([k]) => k.endsWith(',202')).reduce((a, [, v]) => a + v.count, 0);
      if (futex > 0) withFutex++;
      expect((out.syscalls!.rows.find((r) => r.syscall === nameOf(202))?.callsPerSec ?? 0) * secs).toBeCloseTo(futex, 6);
      // The VFS panel: the last WINDOW_PRINTS prints' histograms added up.
      const win = all.slice(Math.max(0, p - WINDOW_PRINTS), p);
      expect(out.vfs!.read.count).toBe(win.reduce((a, x) => a + (x.has('@read_ns') ? sumCounts(x.get('@read_ns')) : 0), 0));
      expect(out.vfs!.write.count).toBe(win.reduce((a, x) => a + (x.has('@write_ns') ? sumCounts(x.get('@write_ns')) : 0), 0));
      const opens = Object.values((print.get('@opens') ?? {}) as Record<string, number>).reduce((a, b) => a + b, 0);
      expect(out.eventRates!.open * secs).toBeCloseTo(opens, 6);
      // Per target: containerd's calls are its @pc key's count, and (alone under its comm) its
      // syscall table is the comm's.
      const pc = Object.entries((print.get('@pc') ?? {}) as Record<string, { count: number }>).filter(([k]) => k.startsWith('containerd,'));
      if (pc.length === 1) {
        withContainerd++;
        const cdPid = Number(pc[0]![0].split(',')[1]);
        const t = out.targets!.find((x) => x.pid === cdPid)!;
        expect(t.syscallsPerSec! * secs).toBeCloseTo(pc[0]![1].count, 6);
        const cdFutex = sc.filter(([k]) => k === 'containerd,202').reduce((a, [, v]) => a + v.count, 0);
        expect((t.syscalls!.find((r) => r.syscall === nameOf(202))?.callsPerSec ?? 0) * secs).toBeCloseTo(cdFutex, 6);
      }
      // Shims share a comm: their lines carry totals, not a table.
      const shims = out.targets!.filter((x) => x.comm === 'containerd-shim');
      if (shims.length > 1) {
        withShims++;
        for (const x of shims) expect(x.syscalls).toBeUndefined();
      }
      checked++;
    }
    expect(checked).toBe(all.length);
    expect(withFutex).toBeGreaterThanOrEqual(3);
    expect(withContainerd).toBeGreaterThanOrEqual(3);
    expect(withShims).toBeGreaterThanOrEqual(1);
    expect(src.targetChanges).toBe(lines.filter((l) => l.includes('"data": "target-')).length);
    expect(src.targetChanges).toBeGreaterThan(0);
    // Slow calls arrive as events.
    expect(src.output(lines.length * 10).events!.filter((e) => e.kind === 'slow').length).toBe(lines.filter((l) => l.includes('"data": "slow ')).length);
  });

  it('gives the same snapshot whatever the chunk boundaries', () => {
    const run = (chunks: string[]) => {
      const e = new LiveEngine([kernelSource], { arch: 'x64' }, 'replay', () => 5000);
      e.runStarted('kernel', 0, {}, 0);
      for (const c of chunks) e.chunk('kernel', c, 1000, 0);
      e.runEnded('kernel', 0, 5000);
      const s = e.snapshot();
      return JSON.stringify({ syscalls: s.syscalls, vfs: s.vfs, events: s.events, targets: s.targets });
    };
    const whole = run([text]);
    expect(whole).toContain('futex');
    for (const seed of [1, 7, 42]) {
      const cuts = splitText(text, seed);
      expect(cuts.length).toBeGreaterThan(100);
      expect(run(cuts)).toBe(whole);
    }
  });

  it('keeps state bounded by its window, not by the processes seen', () => {
    const src = new KernelSource(syscallNamer('x64'));
    src.runStarted(0);
    // The capture's prints again and again: 160 seconds of a churning host.
    let t = 0;
    for (let round = 0; round < 40; round++) for (const l of lines) src.line(l, (t += 1), 0);
    const out = src.output(t);
    expect(out.events!.length).toBeLessThanOrEqual(200);
    for (const r of out.syscalls!.rows) expect(r.history.length).toBeLessThanOrEqual(HISTORY);
    expect(out.syscalls!.rows.length).toBeGreaterThan(0);
    // Targets are those of the latest print only.
    const last = all[all.length - 1]!;
    const pids = new Set(Object.keys((last.get('@pc') ?? {}) as object).map((k) => Number(k.split(',').at(-1))));
    expect(out.targets!.filter((x) => x.syscallsPerSec !== undefined).length).toBe(pids.size);
  });
});

/** The text cut at seeded random places (between characters: the capture is ASCII). */
function splitText(s: string, seed: number): string[] {
  let x = seed;
  const out: string[] = [];
  for (let i = 0; i < s.length; ) {
    x = (x * 1103515245 + 12345) % 2 ** 31;
    const n = 1 + (x % 700);
    out.push(s.slice(i, i + n));
    i += n;
  }
  return out;
}

describe('target changes', () => {
  // fixtures/bpftrace/live-kernel-runtime.json: the program as it is, over one container's start
  // (its start, serving and delete shims); -lines.json and -parts.json: the programs before.
  const read = (name: string) => fixtureBytes(new URL(`../../../fixtures/bpftrace/${name}`, import.meta.url).pathname).toString('utf8').split('\n');

  it("come in the print's @tg map ([pid, 1] exec, [pid, 0] exit), and as printf lines in older recordings", () => {
    for (const name of ['live-kernel-runtime.json', 'live-kernel-runtime-lines.json', 'live-kernel-runtime-parts.json']) {
      const ls = read(name);
      const src = new KernelSource(syscallNamer('x64'));
      src.runStarted(0);
      for (const [i, l] of ls.entries()) src.line(l, i, 0);
      src.runEnded(0, ls.length);
      const fromLines = ls.flatMap((l) => targetChangesInLine(l));
      // Three shims, each started and gone: six changes, however the program said them.
      expect(fromLines.filter((c) => c.kind === 'exec')).toHaveLength(3);
      expect(fromLines.filter((c) => c.kind === 'exit').map((c) => c.pid).sort()).toEqual(fromLines.filter((c) => c.kind === 'exec').map((c) => c.pid).sort());
      expect(src.targetChanges).toBe(6);
      expect(ls.filter((l) => kernelSource.targetsChanged!(l)).length).toBeGreaterThan(0);
    }
    expect(targetChangesInLine('{"type": "map", "data": {"@tg_0": {"12,1": 1, "x,1": 1, "13,2": 1, "14,0": 2}}}')).toEqual([{ kind: 'exec', pid: 12 }, { kind: 'exit', pid: 14 }]);
    expect(targetChangesInLine('{"type": "map", "data": {"@tg_0": {"12,1": 1')).toEqual([]);
    expect(targetChangesInLine('{"type": "printf", "data": "tick 2\\n"}')).toEqual([]);
  });
});
