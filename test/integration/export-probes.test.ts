/**
 * --output in other formats from real runs on this host's containerd under scripts/load.sh, each
 * file read by its real reader and checked against the run's own --json report: `go tool pprof`
 * (Debian golang-go) for .pb.gz, speedscope's published schema (python3-jsonschema) for
 * .speedscope.json, and the folded stacks of the heap.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.js';
import { missing } from '../helpers/prereq.js';
import { runProbe, underLoad } from '../helpers/probe-run.js';
import { foldedTop, jsonSchemaError, pprofRaw, pprofTop, speedscopeMissing, speedscopeSchema } from '../helpers/export-peers.js';
import { readFolded } from '../../parsers/folded-read.js';

const dir = mkdtempSync(join(tmpdir(), 'ctrscope-export-it-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const stackMap = (stacks: Array<{ stack: string; value: number }>) => new Map(stacks.map((s) => [s.stack, s.value]));

/** Every row of `go tool pprof -top` is the function's flat and cum in the run's own stacks. */
function agrees(rows: Array<{ func: string; flat: number; cum: number }>, stacks: ReadonlyMap<string, number>): void {
  const want = foldedTop(stacks);
  expect(rows.length).toBe(want.size);
  for (const row of rows) expect({ func: row.func, ...want.get(row.func) }).toEqual(row);
}

describe.skipIf(missing('root', 'bpftrace', 'containerd', 'tracefs', 'image', 'go'))('stack probes written as pprof and speedscope', () => {
  underLoad();

  it('cpu-profile --output cpu.pb.gz: go tool pprof -top agrees with the run\'s folded stacks', async () => {
    const out = join(dir, 'cpu.pb.gz');
    const { report, res } = await runProbe(['--probe', 'cpu-profile', '--duration', '3s', '--output', out]);
    expect(res.stderr).toMatch(/wrote .*cpu\.pb\.gz \(pprof profile, converted from the folded stacks\)/);
    expect(report.stacks.length).toBeGreaterThan(5);
    const { rows, text } = pprofTop(out, 'samples');
    expect(text).toMatch(/Type: samples/);
    expect(text).toMatch(/Duration: 3s/);
    agrees(rows, stackMap(report.stacks));
    expect(rows.some((r) => r.func.startsWith('runtime.'))).toBe(true);
    const raw = pprofRaw(out);
    expect(raw).toMatch(/PeriodType: cpu nanoseconds/);
    expect(raw).toMatch(/Period: 10101010\b/);
    expect(raw).toMatch(/Samples:\s*\nsamples\/count cpu\/nanoseconds/);
  });

  it.skipIf(speedscopeMissing())('off-cpu --output off.speedscope.json: valid, weights are the blocked ns', async () => {
    const out = join(dir, 'off.speedscope.json');
    const { report } = await runProbe(['--probe', 'off-cpu', '--duration', '2s', '--output', out]);
    expect(jsonSchemaError(speedscopeSchema()!, out)).toBeNull();
    const f = JSON.parse(readFileSync(out, 'utf8'));
    expect(f.profiles[0].unit).toBe('nanoseconds');
    expect(f.profiles[0].samples.length).toBe(report.stacks.length);
    expect(f.profiles[0].weights.reduce((a: number, b: number) => a + b, 0)).toBe(report.total);
  });

  it('off-cpu --format pprof: time/nanoseconds, -top agrees', async () => {
    const out = join(dir, 'off.prof');
    const { report } = await runProbe(['--probe', 'off-cpu', '--duration', '2s', '--output', out, '--format', 'pprof']);
    expect(pprofRaw(out)).toMatch(/PeriodType: time nanoseconds[\s\S]*Samples:\s*\ntime\/nanoseconds/);
    agrees(pprofTop(out, 'time', ['-unit=ns']).rows, stackMap(report.stacks));
  });
});

describe.skipIf(missing('root', 'containerd', 'debug-socket', 'image', 'go'))('go-cpu and heap in other formats', () => {
  // Container starts keep containerd busy: an idle one may take no CPU sample in the window.
  underLoad();

  it('go-cpu --output g.pb.gz: -top has the report\'s top functions; containerd as the mapping', async () => {
    const out = join(dir, 'g.pb.gz');
    const r = await runCli(['--probe', 'go-cpu', '--duration', '3s', '--output', out, '--json']);
    expect(r.code, r.stderr).toBe(0);
    const rep = JSON.parse(r.stdout);
    const rows = new Map(pprofTop(out, 'samples').rows.map((x) => [x.func, x]));
    expect(rep.top.length).toBeGreaterThan(0);
    for (const t of rep.top) expect(rows.get(t.func)).toEqual(t);
    const raw = pprofRaw(out);
    expect(raw).toMatch(/Period: 10000000\b/);
    expect(raw).toMatch(/Mappings\n\s*1: 0x0\/0x0\/0x0 \/usr\/bin\/containerd/);
  });

  it('heap --output h.folded: in-use bytes by stack, totalling the report\'s', async () => {
    const out = join(dir, 'h.folded');
    const r = await runCli(['--probe', 'heap', '--output', out, '--json']);
    expect(r.code, r.stderr).toBe(0);
    const rep = JSON.parse(r.stdout);
    const { stacks, unrecognized } = readFolded(readFileSync(out, 'utf8'));
    expect(unrecognized).toBe(0);
    expect(stacks.size).toBeGreaterThan(0);
    expect([...stacks.keys()].every((k) => k.startsWith('containerd;'))).toBe(true);
    // One profile read once: the folded sum is the report's in-use total exactly.
    const sum = [...stacks.values()].reduce((a, b) => a + b, 0);
    expect(sum).toBeGreaterThan(0);
    expect(sum).toBe(rep.inuseBytes);
  });
});
