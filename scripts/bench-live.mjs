#!/usr/bin/env node
// bench:live: what the live view costs the host it watches, under a container-start loop.
//
// Each round times a block of container starts (`ctr run --rm busybox true`, one after another)
// with nothing attached, then a block with `ctrscope` (the live view, all default panels) running
// in a real pseudo-terminal (or with stdout a pipe: MODE=plain), then another untraced block. The
// traced block's median start time is compared with the untraced blocks on either side (the
// host drifts 10-15% a minute, so a distant baseline means little). While the traced block runs,
// the benchmark samples ctrscope's whole cost:
//   own CPU       utime+stime of ctrscope's process (all its threads)
//   children CPU  utime+stime of every live descendant (tracers) plus cutime+cstime (the ones
//                 that exited and were reaped, e.g. restarted tracers)
//   RSS, threads  of ctrscope's process (max over the block); tree RSS adds its live tracers
//   per start     the whole cost divided by the starts of the block (the cost follows the churn)
// Frame time: ctrscope writes its 'self' entries (its cost and the time of each frame it drew)
// to CTRSCOPE_STATS_FILE each second; the bench reads the median and p99 from there. ctrscope
// runs as a person runs it otherwise: no --record.
//
// The start loop is asynchronous: the pseudo-terminal is read all the time, as a person's terminal
// is (a terminal nobody reads makes ctrscope's writes to it wait).
// Usage (root, after scripts/setup.sh):  npm run bench:live
//        ROUNDS=3 BLOCK_S=20 SETTLE_S=60 MODE=tty|plain npm run bench:live
// SETTLE_S: seconds between ctrscope's start and its traced block; what it costs in them is
// printed as the warm-up cost.
// ALT_ENV="NAME=VALUE ...": every second round runs ctrscope with that environment too (e.g.
// ALT_ENV=CTRSCOPE_V8_OPT=1, TurboFan on), and the table has a column for each: a before/after
// comparison in one sitting. With CTRSCOPE_BENCH_CLI=PATH among them, that round runs the build
// at PATH (e.g. a worktree of the commit before) instead of this one. With CTRSCOPE_BENCH_ARGS=ARGS
// (ctrscope's arguments, "--a=x,--b=y" for several), that round runs ctrscope with them, e.g.
// ALT_ENV=CTRSCOPE_BENCH_ARGS=--without=stacks: what one source costs.
// Fair order: one untraced block is run first and thrown away (the host's first starts of a
// sitting ran faster than any later ones: caches), and with two variants the rounds go A B B A
// A B B A ..., so neither build is always first and drift hits both alike. ALT_ENV=X=1 (a name
// nothing reads) runs the same build in both columns: the spread between them is the bench's own.
// Every container it makes is removed; ctrscope is stopped with q (tty) or SIGINT (plain).
import { execFileSync, spawn } from 'node:child_process';
import { createRequire } from 'node:module';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { treeCost } from './lib/proc-cost.mjs';

const require = createRequire(import.meta.url);
const repo = fileURLToPath(new URL('..', import.meta.url));
const CLI = join(repo, 'dist/src/cli.js');
const ROUNDS = Number(process.env.ROUNDS ?? 3);
const BLOCK_S = Number(process.env.BLOCK_S ?? 20);
// A live view stays running: its first minute (loading, compiling bpftrace programs, V8 warming up)
// is reported apart from the steady cost that the traced block measures after it.
const SETTLE_S = Number(process.env.SETTLE_S ?? 60);
const MODE = process.env.MODE ?? 'tty';
const NS = process.env.CTRSCOPE_NAMESPACE ?? 'ctrscope';
const IMAGE = process.env.CTRSCOPE_IMAGE ?? 'docker.io/library/busybox:latest';
const prefix = `ctrscope-benchlive-${process.pid}`;

const die = (m, code = 1) => {
  process.stderr.write(`bench-live: ${m}\n`);
  process.exit(code);
};
if (process.getuid?.() !== 0) die('needs root (tracers)', 3);
try {
  execFileSync('pgrep', ['-xo', 'containerd']);
} catch {
  die('containerd is not running (scripts/setup.sh starts one)', 6);
}
try {
  readFileSync(CLI);
} catch {
  die('build first (npm run build)', 2);
}

let seq = 0;
/** Runs a command to its end without blocking the event loop (the pty must keep being read). */
const run = (argv) => new Promise((r) => spawn(argv[0], argv.slice(1), { stdio: 'ignore' }).on('close', (code) => r(code)));

async function oneStart() {
  const id = `${prefix}-${seq++}`;
  const t0 = performance.now();
  const code = await run(['ctr', '-n', NS, 'run', '--rm', IMAGE, id, 'true']);
  const ms = performance.now() - t0;
  if (code !== 0) {
    await run(['ctr', '-n', NS, 'tasks', 'delete', '-f', id]);
    await run(['ctr', '-n', NS, 'containers', 'delete', id]);
    return null;
  }
  return ms;
}

/** Starts for BLOCK_S seconds; onEach runs after each start. Returns the start times, ms. */
async function block(onEach = () => {}) {
  const times = [];
  const end = performance.now() + BLOCK_S * 1000;
  while (performance.now() < end) {
    const ms = await oneStart();
    if (ms !== null) times.push(ms);
    onEach();
  }
  return times;
}

const median = (a) => {
  const s = [...a].sort((x, y) => x - y);
  if (s.length === 0) return NaN;
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};
const pct = (a, q) => {
  const s = [...a].sort((x, y) => x - y);
  return s.length ? s[Math.min(s.length - 1, Math.floor(q * s.length))] : NaN;
};
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

const ALT_ENV = Object.fromEntries((process.env.ALT_ENV ?? '').split(/\s+/).filter(Boolean).map((kv) => [kv.slice(0, kv.indexOf('=')), kv.slice(kv.indexOf('=') + 1)]));
const VARIANTS = Object.keys(ALT_ENV).length ? ['as built', process.env.ALT_ENV] : ['as built'];

function startCtrscope(dir, variant) {
  const env = { ...process.env, ...(variant === 0 ? {} : ALT_ENV), CTRSCOPE_STATS_FILE: join(dir, 'stats.ndjson') };
  // CTRSCOPE_BENCH_CLI: another build's cli.js (ALT_ENV=CTRSCOPE_BENCH_CLI=/old/dist/src/cli.js compares two builds).
  // CTRSCOPE_BENCH_ARGS: ctrscope's own arguments (ALT_ENV=CTRSCOPE_BENCH_ARGS=--without=stacks: what a source costs).
  const args = [env.CTRSCOPE_BENCH_CLI ?? CLI, ...(env.CTRSCOPE_BENCH_ARGS ?? '').split(',--').filter(Boolean).map((a, i) => (i ? `--${a}` : a))];
  delete env.CI;
  if (MODE === 'plain') {
    const p = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'pipe'], env });
    p.stdout.resume();
    p.stderr.resume();
    const exited = new Promise((r) => p.on('close', (code) => r(code)));
    return { pid: p.pid, stop: async () => (p.kill('SIGINT'), exited) };
  }
  const pty = require('node-pty');
  const p = pty.spawn(process.execPath, args, { name: 'xterm-256color', cols: 160, rows: 48, env: { ...env, TERM: 'xterm-256color' } });
  p.onData(() => {});
  const exited = new Promise((r) => p.onExit(({ exitCode }) => r(exitCode)));
  return { pid: p.pid, stop: async () => (p.write('q'), exited) };
}

/** Frame times (ms) and the cost ctrscope reported in its header, from its stats file. */
function ownReport(dir, fromMs) {
  const frames = [];
  const reported = [];
  try {
    for (const l of readFileSync(join(dir, 'stats.ndjson'), 'utf8').split('\n')) {
      if (!l.includes('"type":"self"')) continue;
      const e = JSON.parse(l);
      if (Array.isArray(e.framesMs)) frames.push(...e.framesMs);
      if (e.t >= fromMs) reported.push(e.cpuPct + e.tracersCpuPct);
    }
  } catch {
    // No stats file: no figures.
  }
  return { frames, reportedPct: reported.length ? reported.reduce((a, b) => a + b, 0) / reported.length : NaN };
}

const rows = [];
// Frame times by variant (each build reports its own).
const frames = VARIANTS.map(() => []);
process.stderr.write(`bench-live: ${ROUNDS} round(s), ${BLOCK_S} s blocks, mode ${MODE}, ${readFileSync('/proc/cpuinfo', 'utf8').match(/^processor/gm).length} CPUs\n`);
await block(); // warm-up, not counted
let before = await block();
for (let round = 1; round <= ROUNDS; round++) {
  const dir = mkdtempSync(join(tmpdir(), 'ctrscope-benchlive-'));
  // A B B A: each variant goes first in half the pairs of rounds.
  const variant = VARIANTS.length === 1 ? 0 : [0, 1, 1, 0][(round - 1) % 4];
  const app = startCtrscope(dir, variant);
  const tStart = performance.now();
  await sleep(SETTLE_S * 1000);
  const c0 = treeCost(app.pid);
  const warmWall = (performance.now() - tStart) / 1000;
  if (!c0) die('ctrscope exited before the traced block (run it by hand to see why)', 1);
  const t0 = performance.now();
  let maxRss = 0, maxTree = 0, maxThreads = 0, maxProcs = 0;
  let last = performance.now();
  const traced = await block(() => {
    if (performance.now() - last < 1000) return;
    last = performance.now();
    const c = treeCost(app.pid);
    if (!c) return;
    maxRss = Math.max(maxRss, c.rss);
    maxTree = Math.max(maxTree, c.treeRss);
    maxThreads = Math.max(maxThreads, c.threads);
    maxProcs = Math.max(maxProcs, c.procs);
  });
  const c1 = treeCost(app.pid);
  const wall = (performance.now() - t0) / 1000;
  await app.stop();
  const own = ownReport(dir, (SETTLE_S + 3) * 1000);
  frames[variant].push(...own.frames);
  rmSync(dir, { recursive: true, force: true });
  const after = await block();
  const around = (median(before) + median(after)) / 2;
  const row = {
    round,
    variant,
    starts: traced.length,
    tracedMs: median(traced),
    untracedMs: around,
    kept: around / median(traced),
    ownPct: c1 ? ((c1.own - c0.own) / wall) * 100 : NaN,
    childPct: c1 ? ((c1.children - c0.children) / wall) * 100 : NaN,
    warmPct: ((c0.own + c0.children) / warmWall) * 100,
    rssMiB: maxRss / 2 ** 20,
    treeRssMiB: maxTree / 2 ** 20,
    threads: maxThreads,
    tracers: maxProcs,
    reportedPct: own.reportedPct,
    // The cost follows the churn (each start brings new processes, keys, stacks): per start, two
    // rounds that started different numbers of containers compare more fairly.
    msPerStart: c1 && traced.length ? ((c1.own - c0.own + c1.children - c0.children) * 1000) / traced.length : NaN,
    startsPerS: traced.length / wall,
  };
  rows.push(row);
  process.stderr.write(`round ${round}${VARIANTS.length > 1 ? ` (${VARIANTS[variant]})` : ''}: kept ${(row.kept * 100).toFixed(1)}%  own ${row.ownPct.toFixed(1)}%  children ${row.childPct.toFixed(1)}%  (first ${SETTLE_S} s: ${row.warmPct.toFixed(1)}%)  rss ${row.rssMiB.toFixed(0)} MiB  (${row.starts} starts, ${row.tracedMs.toFixed(1)} ms vs ${row.untracedMs.toFixed(1)} ms)\n`);
  before = after;
}
const f1 = (x) => x.toFixed(1);
const cols = VARIANTS.map((_, v) => rows.filter((r) => r.variant === v));
const cell = (k, scale = 1) => cols.map((rs) => (rs.length ? `${f1(median(rs.map((r) => r[k])) * scale)} (${f1(Math.min(...rs.map((r) => r[k])) * scale)}-${f1(Math.max(...rs.map((r) => r[k])) * scale)})` : '-'));
const one = (k) => cols.map((rs) => (rs.length ? String(median(rs.map((r) => r[k]))) : '-'));
const line = (name, cells) => console.log(`| ${name} | ${cells.join(' | ')} |`);
console.log(`\nctrscope live view (${MODE}), ${ROUNDS} rounds of ${BLOCK_S} s after ${SETTLE_S} s running, container starts in a loop; median (lowest-highest)\n`);
console.log(`| figure | ${VARIANTS.join(' | ')} |\n| --- |${VARIANTS.map(() => ' ---: |').join('')}`);
line('starts kept (traced / untraced around it), %', cell('kept', 100));
line("ctrscope's own CPU, % of one core", cell('ownPct'));
line("its tracers' CPU (live + reaped), % of one core", cell('childPct'));
line('**whole cost, % of one core**', cols.map((rs) => (rs.length ? f1(median(rs.map((r) => r.ownPct + r.childPct))) : '-')));
line('container starts a second in the traced block', cell('startsPerS'));
line('whole cost per container start, ms of CPU', cell('msPerStart'));
line(`whole cost in its first ${SETTLE_S} s (start, warm-up), % of one core`, cell('warmPct'));
line("the same as ctrscope's header said it (mean of its 3 s figures)", cell('reportedPct'));
line('RSS of ctrscope, MiB (max)', cell('rssMiB'));
line('RSS with its tracers, MiB (max)', cell('treeRssMiB'));
line('threads of ctrscope (max)', one('threads'));
line('tracer processes (max at once)', one('tracers'));
line('frame time, ms (median, p99; frames of all its rounds)', frames.map((fs) => (fs.length ? `${f1(median(fs))}, ${f1(pct(fs, 0.99))} (${fs.length})` : 'not reported by this build')));
