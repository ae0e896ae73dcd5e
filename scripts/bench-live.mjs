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
// Frame time: ctrscope writes its 'self' entries (its cost and the time of each frame it drew)
// to CTRSCOPE_STATS_FILE each second; the bench reads the median and p99 from there. ctrscope
// runs as a person runs it otherwise: no --record.
//
// The start loop is asynchronous: the pseudo-terminal is read all the time, as a person's terminal
// is (a terminal nobody reads makes ctrscope's writes to it wait).
// Usage (root, after scripts/setup.sh):  npm run bench:live
//        ROUNDS=3 BLOCK_S=20 SETTLE_S=6 MODE=tty|plain npm run bench:live
// Every container it makes is removed; ctrscope is stopped with q (tty) or SIGINT (plain).
import { execFileSync, spawn } from 'node:child_process';
import { createRequire } from 'node:module';
import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const require = createRequire(import.meta.url);
const repo = fileURLToPath(new URL('..', import.meta.url));
const CLI = join(repo, 'dist/src/cli.js');
const ROUNDS = Number(process.env.ROUNDS ?? 3);
const BLOCK_S = Number(process.env.BLOCK_S ?? 20);
const SETTLE_S = Number(process.env.SETTLE_S ?? 6);
const MODE = process.env.MODE ?? 'tty';
const NS = process.env.CTRSCOPE_NAMESPACE ?? 'ctrscope';
const IMAGE = process.env.CTRSCOPE_IMAGE ?? 'docker.io/library/busybox:latest';
const HZ = 100; // USER_HZ
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

/** utime, stime, cutime, cstime (seconds), ppid, rss (bytes), threads of a pid, or null. */
function stat(pid) {
  let s;
  try {
    s = readFileSync(`/proc/${pid}/stat`, 'utf8');
  } catch {
    return null;
  }
  const f = s.slice(s.lastIndexOf(')') + 2).split(' ');
  return { ppid: Number(f[1]), u: Number(f[11]) / HZ, s: Number(f[12]) / HZ, cu: Number(f[13]) / HZ, cs: Number(f[14]) / HZ, threads: Number(f[17]), rss: Number(f[21]) * 4096 };
}

/** The whole tree's CPU seconds so far, and its RSS. */
function treeCost(root) {
  const me = stat(root);
  if (!me) return null;
  const kids = new Map();
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    const st = stat(Number(name));
    if (st) kids.set(Number(name), st);
  }
  const inTree = new Set([root]);
  let grew = true;
  while (grew) {
    grew = false;
    for (const [pid, st] of kids) if (!inTree.has(pid) && inTree.has(st.ppid)) inTree.add(pid), (grew = true);
  }
  let childCpu = me.cu + me.cs;
  let childRss = 0;
  for (const pid of inTree) {
    if (pid === root) continue;
    const st = kids.get(pid);
    childCpu += st.u + st.s + st.cu + st.cs;
    childRss += st.rss;
  }
  return { own: me.u + me.s, children: childCpu, rss: me.rss, treeRss: me.rss + childRss, threads: me.threads, procs: inTree.size - 1 };
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

function startCtrscope(dir) {
  const args = [CLI];
  const env = { ...process.env, CTRSCOPE_STATS_FILE: join(dir, 'stats.ndjson') };
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
const frames = [];
process.stderr.write(`bench-live: ${ROUNDS} round(s), ${BLOCK_S} s blocks, mode ${MODE}, ${readFileSync('/proc/cpuinfo', 'utf8').match(/^processor/gm).length} CPUs\n`);
let before = await block();
for (let round = 1; round <= ROUNDS; round++) {
  const dir = mkdtempSync(join(tmpdir(), 'ctrscope-benchlive-'));
  const app = startCtrscope(dir);
  await sleep(SETTLE_S * 1000);
  const c0 = treeCost(app.pid);
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
  frames.push(...own.frames);
  rmSync(dir, { recursive: true, force: true });
  const after = await block();
  const around = (median(before) + median(after)) / 2;
  const row = {
    round,
    starts: traced.length,
    tracedMs: median(traced),
    untracedMs: around,
    kept: around / median(traced),
    ownPct: c1 ? ((c1.own - c0.own) / wall) * 100 : NaN,
    childPct: c1 ? ((c1.children - c0.children) / wall) * 100 : NaN,
    rssMiB: maxRss / 2 ** 20,
    treeRssMiB: maxTree / 2 ** 20,
    threads: maxThreads,
    tracers: maxProcs,
    reportedPct: own.reportedPct,
  };
  rows.push(row);
  process.stderr.write(`round ${round}: kept ${(row.kept * 100).toFixed(1)}%  own ${row.ownPct.toFixed(1)}%  children ${row.childPct.toFixed(1)}%  rss ${row.rssMiB.toFixed(0)} MiB  (${row.starts} starts, ${row.tracedMs.toFixed(1)} ms vs ${row.untracedMs.toFixed(1)} ms)\n`);
  before = after;
}
const med = (k) => median(rows.map((r) => r[k]));
const lo = (k) => Math.min(...rows.map((r) => r[k]));
const hi = (k) => Math.max(...rows.map((r) => r[k]));
const f1 = (x) => x.toFixed(1);
console.log(`\nctrscope live view (${MODE}), ${ROUNDS} rounds of ${BLOCK_S} s, container starts in a loop; median (lowest-highest)\n`);
console.log('| figure | value |\n| --- | ---: |');
console.log(`| starts kept (traced / untraced around it) | ${f1(med('kept') * 100)}% (${f1(lo('kept') * 100)}-${f1(hi('kept') * 100)}) |`);
console.log(`| ctrscope's own CPU, % of one core | ${f1(med('ownPct'))} (${f1(lo('ownPct'))}-${f1(hi('ownPct'))}) |`);
console.log(`| its tracers' CPU (live + reaped), % of one core | ${f1(med('childPct'))} (${f1(lo('childPct'))}-${f1(hi('childPct'))}) |`);
console.log(`| whole cost, % of one core | ${f1(median(rows.map((r) => r.ownPct + r.childPct)))} |`);
console.log(`| the same as ctrscope's header said it (mean of its 3 s figures) | ${f1(med('reportedPct'))} |`);
console.log(`| RSS of ctrscope, MiB (max) | ${f1(med('rssMiB'))} (${f1(lo('rssMiB'))}-${f1(hi('rssMiB'))}) |`);
console.log(`| RSS with its tracers, MiB (max) | ${f1(med('treeRssMiB'))} |`);
console.log(`| threads of ctrscope (max) | ${med('threads')} |`);
console.log(`| tracer processes (max at once) | ${med('tracers')} |`);
console.log(`| frame time, ms (median, p99 of ${frames.length}) | ${frames.length ? `${f1(median(frames))}, ${f1(pct(frames, 0.99))}` : 'not reported by this build'} |`);
