#!/usr/bin/env node
// bench-flamegraph: `ctrscope flamegraph` against FlameGraph's flamegraph.pl on the same large
// folded file, alternating runs (perl, ctrscope, perl, ...) so that a change in the host's load
// hits both alike. Prints each run and the medians: wall seconds, and CPU seconds (user+sys, from
// /usr/bin/time when present). Two ctrscope figures: the whole CLI (node start and loading every
// command included) and renderFlameGraph's stages in this process (what the export and the live
// view's `e` key pay).
//
// The large file: every folded file of the conformance corpus (CTRSCOPE_CONFORMANCE_DIR, default
// ../shared/conformance/flamegraph/results) COPIES times (default 60), each copy under its own root
// frame "copyN", so the graph is as wide as COPIES captures side by side. Written to a temporary
// directory, removed afterwards. SORTED=1 sorts its lines first, as stackcollapse scripts and
// ctrscope print folded stacks (ctrscope then skips its sort; flamegraph.pl sorts anyway).
//
// flamegraph.pl is not part of ctrscope: give FLAMEGRAPH_PL=/path/to/flamegraph.pl, or
// FLAMEGRAPH_GIT=<a git dir of github.com/brendangregg/FlameGraph> (the search tool's `fetch` makes
// one) and it is extracted to the temporary directory for the run and deleted with it.
//
// CTRSCOPE_BENCH_CLI=path/to/cli.js measures another build of ctrscope (default: this checkout's
// dist/src/cli.js); CTRSCOPE_BENCH_BEFORE=path/to/cli.js adds a build to compare with, run in the
// same rounds (flamegraph.pl, before, ctrscope), so that a change is measured against the build
// before it in one sitting (e.g. a `git worktree` of the commit before, built there).
//
// NODE_EXTRA_CA_CERTS: Node reads and parses that certificate file (and builds its root store) at
// every start, before any JavaScript runs: 40-60 ms of CPU on the development VM, whose
// environment sets it. Hosts rarely do, and flamegraph.pl pays nothing like it, so when it is set
// the ctrscope runs go without it, and each round adds a run with it, printed apart.
//
// Usage: npx tsc -p tsconfig.json && FLAMEGRAPH_GIT=/work/.mirror/brendangregg+FlameGraph/repo npm run bench:flamegraph
//        (RUNS=3 COPIES=60)
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const RUNS = Number(process.env.RUNS ?? 3);
const COPIES = Number(process.env.COPIES ?? 60);
const REPO = fileURLToPath(new URL('..', import.meta.url));
const CLI = process.env.CTRSCOPE_BENCH_CLI ?? join(REPO, 'dist/src/cli.js');
const BEFORE = process.env.CTRSCOPE_BENCH_BEFORE;
const CORPUS = join(process.env.CTRSCOPE_CONFORMANCE_DIR ?? join(REPO, '../shared/conformance/flamegraph'), 'results');

if (!existsSync(CLI)) throw new Error('build first: npx tsc -p tsconfig.json');
if (BEFORE && !existsSync(BEFORE)) throw new Error(`no CLI at ${BEFORE} (CTRSCOPE_BENCH_BEFORE)`);
if (!existsSync(CORPUS)) throw new Error(`no corpus at ${CORPUS} (set CTRSCOPE_CONFORMANCE_DIR)`);
const tmp = mkdtempSync(join(tmpdir(), 'ctrscope-bench-flame-'));
try {
  let perlScript = process.env.FLAMEGRAPH_PL;
  if (!perlScript) {
    const git = process.env.FLAMEGRAPH_GIT;
    if (!git) throw new Error('set FLAMEGRAPH_PL=/path/to/flamegraph.pl or FLAMEGRAPH_GIT=<FlameGraph git dir>');
    perlScript = join(tmp, 'flamegraph.pl');
    writeFileSync(perlScript, execFileSync('git', ['--git-dir', git, 'show', 'HEAD:flamegraph.pl']));
  }

  const files = readdirSync(CORPUS).filter((f) => /-collapsed-(default|pid)\.txt$/.test(f)).sort();
  const texts = files.map((f) => readFileSync(join(CORPUS, f), 'utf8').split('\n').filter((l) => l !== ''));
  const out = [];
  for (let k = 1; k <= COPIES; k++) for (const lines of texts) for (const l of lines) out.push(`copy${k};${l}`);
  if (process.env.SORTED === '1') out.sort();
  const big = join(tmp, 'large.folded');
  writeFileSync(big, out.join('\n') + '\n');
  console.log(`input: ${out.length} lines, ${(statSync(big).size / 1e6).toFixed(1)} MB (${files.length} corpus files x ${COPIES} copies${process.env.SORTED === '1' ? ', sorted' : ''})`);

  const timed = existsSync('/usr/bin/time');
  const caCerts = process.env.NODE_EXTRA_CA_CERTS;
  const plainEnv = { ...process.env };
  delete plainEnv.NODE_EXTRA_CA_CERTS;
  function run(cmd, args, stdoutFile, env = plainEnv) {
    const argv = timed ? ['/usr/bin/time', ['-f', '%e %U %S', cmd, ...args]] : [cmd, args];
    const t0 = performance.now();
    const r = spawnSync(argv[0], argv[1], { stdio: ['ignore', 'pipe', 'pipe'], maxBuffer: 1 << 30, env });
    const wall = (performance.now() - t0) / 1000;
    if (r.status !== 0) throw new Error(`${cmd} failed: ${r.stderr}`);
    if (stdoutFile) writeFileSync(stdoutFile, r.stdout);
    const last = r.stderr.toString().trim().split('\n').pop();
    const [, u, s] = timed ? last.split(' ').map(Number) : [0, NaN, NaN];
    return { wall, cpu: u + s };
  }
  const median = (xs) => xs.slice().sort((a, b) => a - b)[Math.floor(xs.length / 2)];
  const perl = [];
  const ours = [];
  const before = [];
  const start = [];
  const withCa = [];
  const nodeBare = [];
  const nodeCa = [];
  for (let i = 0; i < RUNS; i++) {
    // What every ctrscope command pays before it reads a byte: node, and loading every command.
    start.push(run(process.execPath, [CLI, '--version']));
    const p = run('perl', [perlScript, big], join(tmp, 'perl.svg'));
    perl.push(p);
    const b = BEFORE ? run(process.execPath, [BEFORE, 'flamegraph', big, '-o', join(tmp, `before-${i}.svg`)]) : undefined;
    if (b) before.push(b);
    const c = run(process.execPath, [CLI, 'flamegraph', big, '-o', join(tmp, `ctrscope-${i}.svg`)]);
    ours.push(c);
    const a = caCerts ? run(process.execPath, [CLI, 'flamegraph', big, '-o', join(tmp, `ca-${i}.svg`)], undefined, process.env) : undefined;
    if (a) {
      withCa.push(a);
      nodeBare.push(run(process.execPath, ['-e', '0']));
      nodeCa.push(run(process.execPath, ['-e', '0'], undefined, process.env));
    }
    const then = b ? `   before ${b.wall.toFixed(2)} s (cpu ${b.cpu.toFixed(2)} s)` : '';
    const ca = a ? `   with NODE_EXTRA_CA_CERTS ${a.wall.toFixed(2)} s (cpu ${a.cpu.toFixed(2)} s)` : '';
    console.log(`run ${i + 1}: flamegraph.pl ${p.wall.toFixed(2)} s (cpu ${p.cpu.toFixed(2)} s)${then}   ctrscope flamegraph ${c.wall.toFixed(2)} s (cpu ${c.cpu.toFixed(2)} s)${ca}`);
  }
  const pw = median(perl.map((r) => r.wall));
  const cw = median(ours.map((r) => r.wall));
  const pc = median(perl.map((r) => r.cpu));
  const cc = median(ours.map((r) => r.cpu));
  if (before.length > 0) {
    const bw = median(before.map((r) => r.wall));
    const bc = median(before.map((r) => r.cpu));
    console.log(`median wall: before ${bw.toFixed(2)} s: ${(pw / bw).toFixed(1)}x flamegraph.pl's${timed ? `; median cpu ${bc.toFixed(2)} s: ${(pc / bc).toFixed(1)}x` : ''}`);
  }
  console.log(`median wall: flamegraph.pl ${pw.toFixed(2)} s, ctrscope ${cw.toFixed(2)} s: ${(pw / cw).toFixed(1)}x`);
  if (timed) console.log(`median cpu:  flamegraph.pl ${pc.toFixed(2)} s, ctrscope ${cc.toFixed(2)} s: ${(pc / cc).toFixed(1)}x`);
  if (withCa.length > 0) {
    const aw = median(withCa.map((r) => r.wall));
    const ac = median(withCa.map((r) => r.cpu));
    console.log(`with NODE_EXTRA_CA_CERTS=${caCerts} (as this environment sets it): ctrscope ${aw.toFixed(2)} s wall: ${(pw / aw).toFixed(1)}x${timed ? `; cpu ${ac.toFixed(2)} s: ${(pc / ac).toFixed(1)}x` : ''}`);
    const nb = median(nodeBare.map((r) => (timed ? r.cpu : r.wall)));
    const nc = median(nodeCa.map((r) => (timed ? r.cpu : r.wall)));
    console.log(`node -e 0: ${nb.toFixed(3)} s ${timed ? 'cpu' : 'wall'} without it, ${nc.toFixed(3)} s with it`);
  }
  const sw = median(start.map((r) => r.wall));
  const sc = median(start.map((r) => r.cpu));
  console.log(`of which starting ctrscope (ctrscope --version): ${sw.toFixed(2)} s wall${timed ? `, ${sc.toFixed(2)} s cpu` : ''}`);

  // In process: the stages renderFlameGraph runs, after one warm-up pass.
  const { FoldedParser } = await import(join(REPO, 'dist/parsers/folded.js'));
  const { parseChunks } = await import(join(REPO, 'dist/parsers/lines.js'));
  const { drawFlameGraph } = await import(join(REPO, 'dist/src/flame/render.js'));
  const { flameOptionsSchema } = await import(join(REPO, 'dist/src/flame/options.js'));
  const bytes = readFileSync(big);
  const opts = flameOptionsSchema.parse({});
  const inProc = [];
  for (let i = 0; i <= RUNS; i++) {
    const c0 = process.cpuUsage();
    const t0 = performance.now();
    const svg = drawFlameGraph(parseChunks(new FoldedParser(), [bytes]).entries, opts);
    const wall = (performance.now() - t0) / 1000;
    const cu = process.cpuUsage(c0);
    if (i > 0) inProc.push({ wall, cpu: (cu.user + cu.system) / 1e6 });
    if (svg.length < 1000) throw new Error('no graph drawn');
  }
  const iw = median(inProc.map((r) => r.wall));
  const ic = median(inProc.map((r) => r.cpu));
  console.log(`in process (parse + layout + SVG, warm): ${iw.toFixed(2)} s wall, ${ic.toFixed(2)} s cpu: ${(pw / iw).toFixed(1)}x flamegraph.pl's wall${timed ? `, ${(pc / ic).toFixed(1)}x its cpu` : ''}`);
} finally {
  rmSync(tmp, { recursive: true, force: true });
}
