#!/usr/bin/env node
// Soak benchmark (not a test): the live session for a while under a heavy syscall load, with
// ctrscope's RSS and CPU sampled every 10 s, to show that memory stays bounded.
// Usage (root, after scripts/setup.sh): node scripts/soak.mjs [MINUTES=10] [SAMPLE_SECONDS=10]
// The load is `dd if=/dev/zero of=/dev/null bs=1` (hundreds of thousands of syscalls a second),
// traced with --pid next to containerd and its shims, while scripts/load.sh starts containers.
import { execFileSync, spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const minutes = Number(process.argv[2] ?? 10);
const every = Number(process.argv[3] ?? 10);
const repo = fileURLToPath(new URL('..', import.meta.url));
const tick = 100; // USER_HZ
const cpuTicks = (pid) => {
  const s = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const f = s.slice(s.lastIndexOf(')') + 2).split(' ');
  return Number(f[11]) + Number(f[12]);
};
const rssKb = (pid) => Number(/^VmRSS:\s+(\d+)/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? NaN);
const containerd = Number(execFileSync('pgrep', ['-xo', 'containerd'], { encoding: 'utf8' }).trim());

const dd = spawn('dd', ['if=/dev/zero', 'of=/dev/null', 'bs=1'], { stdio: 'ignore' });
const load = spawn('bash', [`${repo}scripts/load.sh`], { stdio: 'ignore', env: { ...process.env, LOAD_PAUSE: '0.5' } });
const cli = spawn(process.execPath, [`${repo}dist/src/cli.js`, '--pid', String(containerd), '--comm', 'containerd-shim', '--pid', String(dd.pid)], { stdio: ['ignore', 'pipe', 'pipe'] });
let last = '';
let buf = '';
cli.stdout.on('data', (c) => {
  buf += c;
  const i = buf.lastIndexOf('--- ctrscope live');
  if (i > 0) {
    last = buf.slice(0, i);
    buf = buf.slice(i);
  }
});
cli.stderr.on('data', (c) => process.stderr.write(c));

const rows = [];
const t0 = Date.now();
let prev = { t: t0, ticks: 0 };
console.log('  min   rss_MB  cpu_%   events/s   lost  dropped');
const timer = setInterval(() => {
  try {
    const now = Date.now();
    const ticks = cpuTicks(cli.pid);
    const cpu = ((ticks - prev.ticks) / tick / ((now - prev.t) / 1000)) * 100;
    prev = { t: now, ticks };
    const m = /^\s*([\d.]+k?M?) events\/s · lost (\d+) · dropped (\d+)/m.exec(last);
    const row = { min: (now - t0) / 60000, rss: rssKb(cli.pid) / 1024, cpu, events: m?.[1] ?? '?', lost: m?.[2] ?? '?', dropped: m?.[3] ?? '?' };
    rows.push(row);
    console.log(`${row.min.toFixed(2).padStart(5)}  ${row.rss.toFixed(1).padStart(7)}  ${row.cpu.toFixed(1).padStart(5)}  ${String(row.events).padStart(9)}  ${String(row.lost).padStart(5)}  ${String(row.dropped).padStart(7)}`);
  } catch (e) {
    console.log(`sample failed: ${e.message}`);
  }
}, every * 1000);

setTimeout(async () => {
  clearInterval(timer);
  cli.kill('SIGINT');
  await new Promise((r) => cli.on('close', r));
  dd.kill();
  load.kill('SIGTERM');
  await new Promise((r) => load.on('close', r));
  const rss = rows.map((r) => r.rss).filter(Number.isFinite);
  const firstHalf = rss.slice(1, Math.max(2, rss.length >> 1));
  const secondHalf = rss.slice(rss.length >> 1);
  const avg = (a) => a.reduce((x, y) => x + y, 0) / a.length;
  console.log(`\nRSS: first half avg ${avg(firstHalf).toFixed(1)} MB, second half avg ${avg(secondHalf).toFixed(1)} MB, max ${Math.max(...rss).toFixed(1)} MB`);
  console.log(`CPU: avg ${avg(rows.slice(1).map((r) => r.cpu)).toFixed(1)} % of one core`);
  console.log(`ctrscope exit code: ${cli.exitCode}`);
}, minutes * 60_000);
