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
// threads), its tracers' (live children's utime+stime+cutime+cstime, plus its own cutime+cstime:
// reaped ones), whole = both, and the largest RSS. The order of starting alternates each round.
// Usage (root, after scripts/setup.sh):
//   BEFORE=/old/dist/src/cli.js npm run bench:pair            (the live view in a pseudo-terminal)
//   MODE=serve BEFORE=/old/dist/src/cli.js npm run bench:pair (serve, scraped every 15 s)
//   ROUNDS (4), SETTLE_S (25), WIN_S (45)
import { spawn } from 'node:child_process';
import { createRequire } from 'node:module';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const require = createRequire(import.meta.url);
const repo = fileURLToPath(new URL('..', import.meta.url));
const BUILT = join(repo, 'dist/src/cli.js');
const BEFORE = process.env.BEFORE;
const MODE = process.env.MODE ?? 'live';
const ROUNDS = Number(process.env.ROUNDS ?? 4);
const SETTLE_S = Number(process.env.SETTLE_S ?? 25);
const WIN_S = Number(process.env.WIN_S ?? 45);
const HZ = 100; // USER_HZ
const die = (m, code = 2) => {
  process.stderr.write(`bench-pair: ${m}\n`);
  process.exit(code);
};
if (process.getuid?.() !== 0) die('needs root (tracers)', 3);
if (!BEFORE) die('set BEFORE=<the other build>/dist/src/cli.js (e.g. a git worktree of the commit before, built)');
if (!['live', 'serve'].includes(MODE)) die(`MODE is live or serve, not '${MODE}'`);

const fields = (path) => {
  const s = readFileSync(path, 'utf8');
  return s.slice(s.lastIndexOf(')') + 2).split(' ');
};
/** CPU ticks of pid (own) and of its tracers (live children, and reaped ones), and its RSS in KiB. */
function cost(pid) {
  const f = fields(`/proc/${pid}/stat`);
  let kids = Number(f[13]) + Number(f[14]);
  for (const p of readdirSync('/proc').filter((x) => /^\d+$/.test(x))) {
    try {
      const g = fields(`/proc/${p}/stat`);
      if (Number(g[1]) === pid) kids += Number(g[11]) + Number(g[12]) + Number(g[13]) + Number(g[14]);
    } catch {
      // gone meanwhile
    }
  }
  const rss = Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? 0);
  return { own: Number(f[11]) + Number(f[12]), kids, rss };
}

function start(cli, i) {
  if (MODE === 'serve') {
    const port = 19470 + i;
    const p = spawn(process.execPath, [cli, 'serve', '--listen', `127.0.0.1:${port}`], { stdio: 'ignore' });
    const scrape = setInterval(() => spawn('curl', ['-s', '-o', '/dev/null', `http://127.0.0.1:${port}/metrics`], { stdio: 'ignore' }), 15_000);
    const exited = new Promise((r) => p.on('close', r));
    return { pid: p.pid, stop: async () => (clearInterval(scrape), p.kill('SIGTERM'), exited) };
  }
  const pty = require('node-pty');
  const env = { ...process.env, TERM: 'xterm-256color' };
  delete env.CI;
  const p = pty.spawn(process.execPath, [cli], { name: 'xterm-256color', cols: 160, rows: 48, env });
  p.onData(() => {}); // read as a person's terminal is
  const exited = new Promise((r) => p.onExit(r));
  return { pid: p.pid, stop: async () => (p.write('q'), exited) };
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const builds = [
  { name: 'as built', cli: BUILT },
  { name: 'before', cli: BEFORE },
];
const sums = builds.map(() => ({ own: 0, kids: 0, rss: 0, n: 0 }));
const pct = (ticks, s) => (100 * ticks) / HZ / s;
process.stderr.write(`bench-pair: ${MODE}, ${ROUNDS} round(s), ${WIN_S} s after ${SETTLE_S} s, both builds at once under scripts/load.sh\n`);
const load = spawn('bash', [join(repo, 'scripts/load.sh')], { stdio: 'ignore' });
try {
  for (let round = 1; round <= ROUNDS; round++) {
    const order = round % 2 ? [0, 1] : [1, 0];
    const running = order.map((k) => ({ k, ...start(builds[k].cli, k) }));
    await sleep(SETTLE_S * 1000);
    const a = running.map((r) => cost(r.pid));
    const maxRss = running.map(() => 0);
    const t0 = performance.now();
    for (let s = 0; s < WIN_S; s++) {
      await sleep(1000);
      running.forEach((r, i) => (maxRss[i] = Math.max(maxRss[i], cost(r.pid).rss)));
    }
    const b = running.map((r) => cost(r.pid));
    const secs = (performance.now() - t0) / 1000;
    const parts = running.map((r, i) => {
      const own = pct(b[i].own - a[i].own, secs);
      const kids = pct(b[i].kids - a[i].kids, secs);
      const sum = sums[r.k];
      sum.own += own;
      sum.kids += kids;
      sum.rss = Math.max(sum.rss, maxRss[i]);
      sum.n++;
      return `${builds[r.k].name}: whole ${(own + kids).toFixed(2)}%  own ${own.toFixed(2)}%  tracers ${kids.toFixed(2)}%  rss ${Math.round(maxRss[i] / 1024)} MiB`;
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
  console.log(`${b.name} (mean of ${s.n}): whole ${((s.own + s.kids) / s.n).toFixed(2)}% of a core  own ${(s.own / s.n).toFixed(2)}%  tracers ${(s.kids / s.n).toFixed(2)}%  rss max ${Math.round(s.rss / 1024)} MiB`);
}
