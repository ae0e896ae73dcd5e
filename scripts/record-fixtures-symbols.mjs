#!/usr/bin/env node
// Records fixtures/symbols/: the real `bpftrace -f json` output of probes/NAME.bt (cpu-profile,
// off-cpu) under a container-start loop, and what ctrscope read of each process the program
// announced ("seen PID") while it ran: NAME.jsonl.gz and NAME.images.json.gz, for the symbolizer's
// unit tests. Needs root, bpftrace, tracefs, a running containerd, a built dist/ (npx tsc).
// Usage: sudo node scripts/record-fixtures-symbols.mjs [NAME ...] [--seconds N] [--comm]
//   --comm: target "containerd" and "containerd-shim" by comm, as ctrscope's default targets do
//           (else the shipped program's positional pid/comm: containerd's pid and containerd-shim).
import { spawn, execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import { fileURLToPath } from 'node:url';
import { ProcessImages } from '../dist/src/host/process-images.js';
import { seenPid } from '../dist/parsers/bpftrace-stacks.js';
import { targetPredicate, withPredicate } from '../dist/probes/filter.js';

const root = fileURLToPath(new URL('..', import.meta.url));
const args = process.argv.slice(2);
const seconds = Number(args.includes('--seconds') ? args[args.indexOf('--seconds') + 1] : 5);
const byComm = args.includes('--comm');
const names = args.filter((a, i) => !a.startsWith('--') && args[i - 1] !== '--seconds');
const pid = execFileSync('pgrep', ['-xo', 'containerd'], { encoding: 'utf8' }).trim();

async function capture(name) {
  const load = spawn('bash', [`${root}scripts/load.sh`, '0'], { stdio: 'ignore' });
  await new Promise((r) => setTimeout(r, 500));
  let program = readFileSync(`${root}probes/${name}.bt`, 'utf8');
  let params = [pid, 'containerd-shim'];
  if (byComm) {
    const pred = targetPredicate({ defaultTargets: true, pids: [], comms: [], containers: [] });
    program = withPredicate(program, pred);
    params = pred.args;
  }
  const bt = spawn('bpftrace', ['-f', 'json', '-e', program, ...params], { env: { ...process.env, BPFTRACE_CACHE_USER_SYMBOLS: '1' }, stdio: ['ignore', 'pipe', 'inherit'] });
  const images = new ProcessImages();
  let out = '';
  let rest = '';
  bt.stdout.setEncoding('utf8');
  bt.stdout.on('data', (chunk) => {
    out += chunk;
    const lines = (rest + chunk).split('\n');
    rest = lines.pop();
    for (const l of lines) {
      const p = seenPid(l);
      if (p !== null) images.record(p);
    }
  });
  const ended = new Promise((r) => bt.on('close', r));
  await new Promise((r) => setTimeout(r, seconds * 1000));
  bt.kill('SIGINT');
  await ended;
  load.kill('SIGTERM');
  await new Promise((r) => load.on('close', r));
  writeFileSync(`${root}fixtures/symbols/${name}.jsonl.gz`, gzipSync(out, { level: 9 }));
  const recorded = { images: [...images.images.values()], missed: [...images.missed] };
  writeFileSync(`${root}fixtures/symbols/${name}.images.json.gz`, gzipSync(JSON.stringify(recorded), { level: 9 }));
  console.log(`recorded ${name}: ${out.split('\n').length} lines, ${recorded.images.length} processes read, ${recorded.missed.length} gone first`);
}

for (const n of names.length ? names : ['cpu-profile', 'off-cpu']) await capture(n);
