/**
 * ctrscope's exports read by their real readers: `go tool pprof` (Debian golang-go) reads the
 * pprof that `collapse` and `report` write from a recorded `perf script` (fixtures/perf-script),
 * and its top functions agree with stackcollapse-perf.pl's folded counts for the same input; the
 * pprof reads back through parsers/pprof.ts to those same folded stacks; the speedscope file is
 * valid against speedscope's PUBLISHED schema (file-format-schema.json from the speedscope npm
 * package, version 1.25.0: not written by us; set CTRSCOPE_SPEEDSCOPE_SCHEMA to its path, or have
 * the package installed), checked by python3-jsonschema; and the format errors.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { CLI, REPO } from '../helpers/cli.js';
import { missing } from '../helpers/prereq.js';
import { foldedTop, jsonSchemaError, pprofRaw, pprofTop, speedscopeMissing, speedscopeSchema } from '../helpers/export-peers.js';
import { readFolded } from '../../parsers/folded-read.js';
import { decodePprof, foldedStacks, sampleIndex } from '../../parsers/pprof.js';
import { chooseFormat, formatOfName } from '../../src/export/formats.js';

const FIXTURE = join(REPO, 'fixtures/perf-script/containerd-cpu.perf-script.txt');
/** What stackcollapse-perf.pl printed for FIXTURE: the reference counts. */
const REFERENCE = readFolded(readFileSync(join(REPO, 'fixtures/perf-script/containerd-cpu-collapsed-default.txt'), 'utf8')).stacks;
/** perf record -F 99: each sample weighs 1e9/99 ns in the fixture. */
const PERIOD = 10101010;

const tmp = mkdtempSync(join(tmpdir(), 'ctrscope-export-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

/** The built CLI, its stdout kept as bytes (pprof is binary). */
async function run(args: string[]): Promise<{ code: number | null; stdout: Buffer; stderr: string }> {
  const r = spawnSync(process.execPath, [CLI, ...args], { stdio: ['ignore', 'pipe', 'pipe'], timeout: 60_000 });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr.toString('utf8') };
}

describe.skipIf(missing('go'))('pprof read by go tool pprof', () => {
  it('collapse -o x.pb.gz: -top agrees with the folded counts, function by function', async () => {
    const out = join(tmp, 'collapse.pb.gz');
    const r = await run(['collapse', FIXTURE, '-o', out]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toMatch(/wrote .*collapse\.pb\.gz \(pprof profile, \d+ stacks\)/);
    const want = foldedTop(REFERENCE, PERIOD);
    const { rows, text } = pprofTop(out, 'samples');
    expect(text).toMatch(/Type: samples/);
    expect(rows.length).toBe(want.size);
    for (const row of rows) expect({ func: row.func, ...want.get(row.func) }).toEqual(row);
    // The CPU time too: pprof scales nanoseconds to its own unit; the total is what matters.
    const samples = [...REFERENCE.values()].reduce((a, b) => a + b, 0) / PERIOD;
    expect(pprofTop(out, 'cpu').text).toContain(`of ${((samples * PERIOD) / 1e6).toFixed(2)}ms total`);
    const raw = pprofRaw(out);
    expect(raw).toMatch(/PeriodType: cpu nanoseconds/);
    expect(raw).toMatch(new RegExp(`Period: ${PERIOD}\\b`));
    expect(raw).toMatch(/Samples:\s*\ncpu\/nanoseconds samples\/count/);
    // Each frame's binary, as perf printed it, is a mapping (symbolized already: [FN]).
    const maps = raw.slice(raw.indexOf('Mappings'));
    for (const m of ['/usr/bin/containerd', '[kernel.kallsyms]', '/usr/sbin/runc']) expect(maps).toContain(` ${m}  [FN]`);
  });

  it('report --format pprof writes the same profile as collapse', async () => {
    const out = join(tmp, 'report.pb.gz');
    const r = await run(['report', FIXTURE, '--format', 'pprof', '-o', out]);
    expect(r.code, r.stderr).toBe(0);
    const a = pprofTop(out, 'samples').rows;
    const b = pprofTop(join(tmp, 'collapse.pb.gz'), 'samples').rows;
    expect(a.length).toBeGreaterThan(10);
    expect(a).toEqual(b);
  });
});

describe('pprof round trip', () => {
  it('collapse --format pprof (stdout) read back by parsers/pprof.ts gives the folded stacks', async () => {
    const r = await run(['collapse', FIXTURE, '--format', 'pprof']);
    expect(r.code, r.stderr).toBe(0);
    const d = decodePprof(gunzipSync(r.stdout));
    if (!d.ok) throw new Error(d.error);
    const p = d.profile;
    expect(p.sampleTypes).toEqual([
      { type: 'cpu', unit: 'nanoseconds' },
      { type: 'samples', unit: 'count' },
    ]);
    expect(p.period).toBe(PERIOD);
    const back = readFolded(foldedStacks(p, sampleIndex(p, 'cpu')).join('\n')).stacks;
    expect(back.size).toBe(REFERENCE.size);
    expect(new Map([...back].sort())).toEqual(new Map([...REFERENCE].sort()));
    const samples = readFolded(foldedStacks(p, sampleIndex(p, 'samples')).join('\n')).stacks;
    for (const [k, v] of REFERENCE) expect(samples.get(k)).toBe(v / PERIOD);
  });
});

describe.skipIf(speedscopeMissing())("speedscope, against speedscope's published schema", () => {
  it('collapse -o x.speedscope.json is valid, and its samples are the folded stacks', async () => {
    const out = join(tmp, 'c.speedscope.json');
    const r = await run(['collapse', FIXTURE, '-o', out]);
    expect(r.code, r.stderr).toBe(0);
    const schema = speedscopeSchema()!;
    expect(jsonSchemaError(schema, out)).toBeNull();
    const f = JSON.parse(readFileSync(out, 'utf8'));
    const names: string[] = f.shared.frames.map((x: { name: string }) => x.name);
    const prof = f.profiles[0];
    expect(prof.samples.length).toBe(REFERENCE.size);
    const got = new Map<string, number>();
    prof.samples.forEach((s: number[], i: number) => got.set(s.map((j) => names[j]).join(';'), prof.weights[i]));
    expect(new Map([...got].sort())).toEqual(new Map([...REFERENCE].sort()));
    expect(prof.endValue).toBe([...REFERENCE.values()].reduce((a, b) => a + b, 0));
    // The check can fail: the same file without its weights is refused.
    delete prof.weights;
    const bad = join(tmp, 'bad.speedscope.json');
    writeFileSync(bad, JSON.stringify(f));
    expect(jsonSchemaError(schema, bad)).not.toBeNull();
  });
});

describe('--format and --output names', () => {
  it('picks the format from the name, longest ending first', () => {
    expect(formatOfName('a.folded')).toBe('folded');
    expect(formatOfName('x/cpu.PB.GZ')).toBe('pprof');
    expect(formatOfName('cpu.speedscope.json')).toBe('speedscope');
    expect(formatOfName('heap1.pprof')).toBe('pprof');
    expect(formatOfName('cpu.json')).toBeNull();
    expect(chooseFormat('cpu.txt', 'pprof').format).toBe('pprof');
    expect(chooseFormat(undefined, undefined, 'folded').format).toBe('folded');
  });

  const oneLine = (r: { code: number | null; stderr: string }, code: number, re: RegExp) => {
    expect(r.code, r.stderr).toBe(code);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toMatch(re);
  };

  it('collapse -o NAME.svg draws the flame graph of the same stacks (one <title> per frame, the root holds every sample)', async () => {
    const r = await run(['collapse', FIXTURE, '-o', join(tmp, 'cpu.svg')]);
    expect(r.code, r.stderr).toBe(0);
    const svg = readFileSync(join(tmp, 'cpu.svg'), 'utf8');
    expect(svg.startsWith('<?xml')).toBe(true);
    const folded = await run(['collapse', FIXTURE]);
    const total = folded.stdout.toString().trim().split('\n').reduce((n, l) => n + Number(l.slice(l.lastIndexOf(' ') + 1)), 0);
    expect(total).toBeGreaterThan(0);
    expect(svg).toMatch(new RegExp(`<title>all \\(${total.toLocaleString('en-US')} samples, 100(\\.0+)?%\\)</title>`));
  });

  it('a bad --format, a name without a known ending: one line, exit 2, nothing written', async () => {
    oneLine(await run(['collapse', FIXTURE, '--format', 'gif']), 2, /--format "gif" is not an export format.*folded, svg, pprof, speedscope/);
    oneLine(await run(['collapse', FIXTURE, '-o', join(tmp, 'out.txt')]), 2, /cannot tell the format of .*out\.txt from its name \(end it with \.folded, \.svg, \.pb\.gz, \.speedscope\.json/);
    oneLine(await run(['report', FIXTURE, '-o', join(tmp, 'r.txt')]), 2, /cannot tell the format/);
    // Before any tracing (no root needed to see it):
    oneLine(await run(['--probe', 'cpu-profile', '--output', join(tmp, 'cpu.prof')]), 2, /cannot tell the format of .*cpu\.prof/);
    oneLine(await run(['--probe', 'off-cpu', '--format', 'speedscope']), 2, /--format needs --output FILE/);
    oneLine(await run(['--format', 'pprof']), 2, /--format goes with --probe NAME --output FILE/);
    oneLine(await run(['--probe', 'syscall-count', '--format', 'pprof', '--output', join(tmp, 's.pb.gz')]), 2, /--format applies to cpu-profile, off-cpu, go-cpu, heap, not to syscall-count/);
    for (const f of ['out.txt', 'r.txt', 'cpu.prof', 's.pb.gz']) expect(() => readFileSync(join(tmp, f))).toThrow(/ENOENT/);
  });

  it('report: stacks only from perf script input (exit 7), and refuses a bad --format value', async () => {
    oneLine(await run(['report', join(REPO, 'fixtures/perf-stat/csv.txt'), '--format', 'pprof']), 7, /is perf-stat output: report writes stacks only from perf script output/);
    const r = await run(['report', FIXTURE, '--format', 'png']);
    expect(r.code).toBe(2);
  });
});
