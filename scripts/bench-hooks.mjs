#!/usr/bin/env node
// bench:hooks: what the live view's kernel program (probes/live-kernel.bt) costs per syscall.
//
// A BPF program on raw_syscalls runs in the context of the process making the syscall, so its
// cost is in that process's own system time. The bench runs a syscall loop (`dd bs=1`, one read
// and one write per byte) and compares the loop's CPU time per syscall:
//   off        nothing attached
//   untraced   live-kernel.bt attached, the loop not a target (what every process on the host pays)
//   traced     live-kernel.bt attached, the loop a target by comm (what containerd and shims pay)
// Measured as the loop's own CPU time (perf stat -e task-clock), not wall time: other work on a shared host does not
// enter it. Conditions alternate within each round (the host drifts); medians over the rounds.
// VARIANT=FILE.bt adds the two attached conditions for another program (a before/after in one
// sitting: e.g. `git show OLD:probes/live-kernel.bt > /tmp/old.bt; VARIANT=/tmp/old.bt`).
// Usage (root):  npm run bench:hooks        ROUNDS=5 BYTES=1000000 VARIANT=/tmp/old.bt npm run bench:hooks
import { spawn, spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';

const repo = fileURLToPath(new URL('..', import.meta.url));
const { targetPredicate, withPredicate } = await import(join(repo, 'dist/probes/filter.js'));
const ROUNDS = Number(process.env.ROUNDS ?? 5);
const BYTES = Number(process.env.BYTES ?? 1_000_000);
const programs = { current: readFileSync(join(repo, 'probes/live-kernel.bt'), 'utf8') };
if (process.env.VARIANT) programs.variant = readFileSync(process.env.VARIANT, 'utf8');
const ENV = { ...process.env, BPFTRACE_STRLEN: '128', BPFTRACE_MAP_KEYS_MAX: '16384' };

if (process.getuid?.() !== 0) {
  console.error('bench:hooks needs root (bpftrace)');
  process.exit(2);
}

/** Starts bpftrace on the program with comm as its target; resolves with the child once attached. */
function attach(text, comm) {
  const pred = targetPredicate({ pids: [], comms: [comm], containers: [], defaultTargets: false });
  const child = spawn('bpftrace', ['-f', 'json', '-e', withPredicate(text, pred), ...pred.args], { env: ENV, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  return new Promise((resolve, reject) => {
    child.stdout.on('data', (d) => {
      out += d;
      if (out.includes('attached_probes')) resolve(child);
      if (out.length > 1e6) out = out.slice(-1e5);
    });
    child.stderr.on('data', (d) => (err += d));
    child.on('exit', (code) => reject(new Error(`bpftrace exited ${code}: ${err.trim().split('\n').slice(-3).join(' | ')}`)));
  });
}

async function detach(child) {
  const gone = new Promise((r) => child.once('exit', r));
  child.kill('SIGINT');
  const t = setTimeout(() => child.kill('SIGKILL'), 10_000);
  await gone;
  clearTimeout(t);
}

/** The loop's CPU time per syscall, ns (2 syscalls per byte). */
function loopNs() {
  // perf stat's task-clock: the loop's CPU time in ns (utime/stime in /proc count in ticks).
  const r = spawnSync('perf', ['stat', '-x,', '-e', 'task-clock', 'dd', 'if=/dev/zero', 'of=/dev/null', 'bs=1', `count=${BYTES}`], { encoding: 'utf8' });
  const m = /^[\d.]+,msec,task-clock,(\d+),/m.exec(r.stderr);
  if (!m) throw new Error(`no task-clock from perf stat: ${r.stderr}`);
  return Number(m[1]) / (2 * BYTES);
}

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};

const results = {};
const add = (k, v) => (results[k] ??= []).push(v);
for (let round = 1; round <= ROUNDS; round++) {
  add('off', loopNs());
  for (const [name, text] of Object.entries(programs)) {
    for (const [cond, comm] of [['untraced', 'no-such-comm'], ['traced', 'dd']]) {
      const child = await attach(text, comm);
      add(`${name} ${cond}`, loopNs());
      await detach(child);
    }
  }
  add('off', loopNs());
  process.stderr.write(`round ${round}/${ROUNDS} done\n`);
}

const off = median(results.off);
console.log(`syscall loop: dd bs=1 count=${BYTES} (${2 * BYTES} syscalls), ${ROUNDS} rounds alternated; the loop's CPU per syscall`);
console.log(`${'condition'.padEnd(22)} ${'median ns'.padStart(10)} ${'added ns'.padStart(9)}   rounds`);
for (const [k, v] of Object.entries(results)) {
  const m = median(v);
  console.log(`${k.padEnd(22)} ${m.toFixed(0).padStart(10)} ${(k === 'off' ? '' : (m - off).toFixed(0)).padStart(9)}   ${v.map((x) => x.toFixed(0)).join(' ')}`);
}
