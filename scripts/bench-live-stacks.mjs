#!/usr/bin/env node
// What the live stacks panel's data costs, before and after a change, in one sitting: under a
// container-start loop (scripts/load.sh), runs probes/live-stacks.bt (ctrscope's default targets)
// for BLOCK_S seconds with its output folded by the stacks live source as the live view does
// (the frames bpftrace left raw named from what ProcessImages read), alternating this build with
// the build at BEFORE (a checkout of the commit before, with its dist/ built), ROUNDS times each.
// Prints, per block: bpftrace's CPU (utime+stime from /proc/PID/stat, % of one core), this
// process's CPU spent on reading the lines, /proc and folding (process.cpuUsage), and the share
// of [unknown] frames, weighted by samples, in what the source would hand the panel and `e`.
// Usage (root, a running containerd, dist/ built in both):
//   BEFORE=/path/to/old/checkout [ROUNDS=2] [BLOCK_S=30] node scripts/bench-live-stacks.mjs
// Hold /tmp/ctrscope-bench.lock while it runs (the host is shared); it takes ROUNDS*2*BLOCK_S s.
import { spawn, execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const here = fileURLToPath(new URL('..', import.meta.url));
const BEFORE = process.env.BEFORE;
const ROUNDS = Number(process.env.ROUNDS ?? 2);
const BLOCK_S = Number(process.env.BLOCK_S ?? 30);
if (!BEFORE) {
  console.error('bench-live-stacks: set BEFORE to a checkout of the commit to compare with (its dist/ built)');
  process.exit(2);
}
const TICK = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }));

/** utime+stime of pid in seconds. */
function cpuOf(pid) {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(f[11]) + Number(f[12])) / TICK;
}

async function block(root) {
  const { stacksSource } = await import(`${root}/dist/src/session/live-sources/stacks.js`);
  const { targetPredicate, withPredicate } = await import(`${root}/dist/probes/filter.js`);
  let images;
  try {
    const { ProcessImages } = await import(`${root}/dist/src/host/process-images.js`);
    images = () => new ProcessImages();
  } catch {
    images = undefined;
  }
  const pred = targetPredicate({ defaultTargets: true, pids: [], comms: [], containers: [] });
  const program = withPredicate(readFileSync(`${root}/probes/live-stacks.bt`, 'utf8'), pred);
  const src = stacksSource.create({ arch: process.arch, stackImages: images });
  src.runStarted?.(0, 0, {});
  const bt = spawn('setpriv', ['--pdeathsig', 'KILL', '--', 'bpftrace', '-f', 'json', '-e', program, ...pred.args], {
    env: { ...process.env, BPFTRACE_CACHE_USER_SYMBOLS: '1' },
    stdio: ['ignore', 'pipe', 'ignore'],
  });
  let rest = '';
  let busy = 0;
  bt.stdout.setEncoding('utf8');
  bt.stdout.on('data', (chunk) => {
    const t0 = process.cpuUsage();
    const lines = (rest + chunk).split('\n');
    rest = lines.pop();
    for (const l of lines) src.line(l, Date.now(), 0);
    const d = process.cpuUsage(t0);
    busy += (d.user + d.system) / 1e6;
  });
  const ended = new Promise((r) => bt.on('close', r));
  // Attached after the compile (a few seconds here): count from the first @samples print.
  await new Promise((r) => bt.stdout.once('data', r));
  const pid = bt.pid;
  const cpu0 = cpuOf(pid);
  busy = 0;
  const t0 = Date.now();
  await new Promise((r) => setTimeout(r, BLOCK_S * 1000 + 500));
  const cpu = cpuOf(pid) - cpu0;
  const secs = (Date.now() - t0) / 1000;
  const own = busy;
  bt.kill('SIGINT');
  await ended;
  const out = src.output(Date.now(), { containerd: [], shims: [], containers: [] });
  let frames = 0;
  let unknown = 0;
  for (const [stack, n] of out.stacks?.folded ?? []) {
    const parts = stack.split(';').slice(1);
    frames += parts.length * n;
    unknown += parts.filter((p) => p === '[unknown]').length * n;
  }
  return { bpftracePct: (cpu / secs) * 100, sourcePct: (own / secs) * 100, samples: out.stacks?.samples ?? 0, unknownPct: frames ? (unknown / frames) * 100 : 0 };
}

const load = spawn('bash', [`${here}scripts/load.sh`, '0'], { stdio: 'ignore' });
await new Promise((r) => setTimeout(r, 1000));
try {
  for (let i = 0; i < ROUNDS; i++) {
    for (const [name, root] of [['before', BEFORE], ['after', here.replace(/\/$/, '')]]) {
      const r = await block(root);
      console.log(JSON.stringify({ round: i + 1, build: name, seconds: BLOCK_S, bpftracePct: +r.bpftracePct.toFixed(2), sourcePct: +r.sourcePct.toFixed(2), samples: r.samples, unknownPct: +r.unknownPct.toFixed(2) }));
    }
  }
} finally {
  load.kill('SIGTERM');
  await new Promise((r) => load.on('close', r));
}
