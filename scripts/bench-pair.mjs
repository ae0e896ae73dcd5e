#!/usr/bin/env node
// bench:pair: two builds of a mode that stays running (the live view, or serve), side by side in
// the same seconds under the same container-start loop (scripts/load.sh), each one's whole cost.
//
// Why side by side: this VM's CPU figures drift with the host's load by a third from one minute to
// the next (the same build's own CPU ranged 4.2-6.1% over six alternated bench:live rounds), so
// rounds that alternate in time compare a build with the host as much as with the other build.
// Two processes running at once see the same load, the same churn and the same host. What this
// bench cannot say is the start rate kept (each build's kernel hooks slow the other's starts):
// that stays bench:live's, which alternates traced and untraced blocks.
//
// Per build and round, over WIN_S seconds after SETTLE_S: own CPU (utime+stime of its process, all
// threads), its tracers' (live descendants' CPU, plus its own cutime+cstime: reaped ones; treeCost in
// scripts/lib/proc-cost.mjs, as bench:live measures), whole = both, and the largest RSS. The order of starting alternates each round.
// Usage (root, after scripts/setup.sh):
//   BEFORE=/old/dist/src/cli.js npm run bench:pair            (the live view in a pseudo-terminal)
//   MODE=serve BEFORE=/old/dist/src/cli.js npm run bench:pair (serve, scraped every 15 s)
//   ROUNDS (4), SETTLE_S (25), WIN_S (45)
//   ARGS, BEFORE_ARGS: extra arguments for each build, split at spaces; BEFORE may then be this
//   build, e.g. BEFORE=dist/src/cli.js BEFORE_ARGS='--without stacks' says what stacks cost;
//   NODE_ARGS, BEFORE_NODE_ARGS: node's own options for each (V8 flags, say)
import { spawn } from 'node:child_process';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { treeCost } from './lib/proc-cost.mjs';

const require = createRequire(import.meta.url);
const repo = fileURLToPath(new URL('..', import.meta.url));
const BUILT = join(repo, 'dist/src/cli.js');
const BEFORE = process.env.BEFORE;
const MODE = process.env.MODE ?? 'live';
const ROUNDS = Number(process.env.ROUNDS ?? 4);
const SETTLE_S = Number(process.env.SETTLE_S ?? 25);
const WIN_S = Number(process.env.WIN_S ?? 45);
const die = (m, code = 2) => {
  process.stderr.write(`bench-pair: ${m}\n`);
  process.exit(code);
};
if (process.getuid?.() !== 0) die('needs root (tracers)', 3);
if (!BEFORE) die('set BEFORE=<the other build>/dist/src/cli.js (e.g. a git worktree of the commit before, built)');
if (!['live', 'serve'].includes(MODE)) die(`MODE is live or serve, not '${MODE}'`);

const words = (s) => (s ?? '').split(' ').filter(Boolean);

function start(cli, i, extra, node) {
  if (MODE === 'serve') {
    const port = 19470 + i;
    const p = spawn(process.execPath, [...node, cli, 'serve', '--listen', `127.0.0.1:${port}`, ...extra], { stdio: 'ignore' });
    const scrape = setInterval(() => spawn('curl', ['-s', '-o', '/dev/null', `http://127.0.0.1:${port}/metrics`], { stdio: 'ignore' }), 15_000);
    const exited = new Promise((r) => p.on('close', r));
    return { pid: p.pid, stop: async () => (clearInterval(scrape), p.kill('SIGTERM'), exited) };
  }
  const pty = require('node-pty');
  const env = { ...process.env, TERM: 'xterm-256color' };
  delete env.CI;
  const p = pty.spawn(process.execPath, [...node, cli, ...extra], { name: 'xterm-256color', cols: 160, rows: 48, env });
  p.onData(() => {}); // read as a person's terminal is
  const exited = new Promise((r) => p.onExit(r));
  return { pid: p.pid, stop: async () => (p.write('q'), exited) };
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const builds = [
  { name: ['as built', ...words(process.env.NODE_ARGS), ...words(process.env.ARGS)].join(' '), cli: BUILT, args: words(process.env.ARGS), node: words(process.env.NODE_ARGS) },
  { name: ['before', ...words(process.env.BEFORE_NODE_ARGS), ...words(process.env.BEFORE_ARGS)].join(' '), cli: BEFORE, args: words(process.env.BEFORE_ARGS), node: words(process.env.BEFORE_NODE_ARGS) },
];
const sums = builds.map(() => ({ own: 0, kids: 0, rss: 0, n: 0 }));
const pct = (cpuSeconds, s) => (100 * cpuSeconds) / s;
process.stderr.write(`bench-pair: ${MODE}, ${ROUNDS} round(s), ${WIN_S} s after ${SETTLE_S} s, both builds at once under scripts/load.sh\n`);
const load = spawn('bash', [join(repo, 'scripts/load.sh')], { stdio: 'ignore' });
try {
  for (let round = 1; round <= ROUNDS; round++) {
    const order = round % 2 ? [0, 1] : [1, 0];
    const running = order.map((k) => ({ k, ...start(builds[k].cli, k, builds[k].args, builds[k].node) }));
    await sleep(SETTLE_S * 1000);
    const a = running.map((r) => treeCost(r.pid));
    const maxRss = running.map(() => 0);
    const t0 = performance.now();
    for (let s = 0; s < WIN_S; s++) {
      await sleep(1000);
      running.forEach((r, i) => (maxRss[i] = Math.max(maxRss[i], treeCost(r.pid)?.rss ?? 0)));
    }
    const b = running.map((r) => treeCost(r.pid));
    const secs = (performance.now() - t0) / 1000;
    const parts = running.map((r, i) => {
      const own = pct(b[i].own - a[i].own, secs);
      const kids = pct(b[i].children - a[i].children, secs);
      const sum = sums[r.k];
      sum.own += own;
      sum.kids += kids;
      sum.rss = Math.max(sum.rss, maxRss[i]);
      sum.n++;
      return `${builds[r.k].name}: whole ${(own + kids).toFixed(2)}%  own ${own.toFixed(2)}%  tracers ${kids.toFixed(2)}%  rss ${Math.round(maxRss[i] / 2 ** 20)} MiB`;
    });
    console.log(`round ${round}: ${parts.join('   |   ')}`);
    await Promise.all(running.map((r) => r.stop()));
    await sleep(3000);
  }
} finally {
  load.kill('SIGTERM');
  await new Promise((r) => load.on('close', r));
}
for (const [k, b] of builds.entries()) {
  const s = sums[k];
  console.log(`${b.name} (mean of ${s.n}): whole ${((s.own + s.kids) / s.n).toFixed(2)}% of a core  own ${(s.own / s.n).toFixed(2)}%  tracers ${(s.kids / s.n).toFixed(2)}%  rss max ${Math.round(s.rss / 2 ** 20)} MiB`);
}
