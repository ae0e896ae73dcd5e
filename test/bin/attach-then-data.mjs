#!/usr/bin/env node
// Test tracer that attaches and prints: writes each argument as a line to stdout (to stderr with
// --stderr), e.g. a fake attached line then data, then runs until SIGINT and exits 0. With --exit
// it exits 0 at once after the lines (a tracer that ended by itself). "--sleep=MS" waits MS
// between lines; "-p N" pairs are taken as strace's target pids and not printed.
import { writeSync } from 'node:fs';

const args = process.argv.slice(2).filter((a, i, all) => a !== '-p' && all[i - 1] !== '-p');
const fd = args.includes('--stderr') ? 2 : 1;
const exit = args.includes('--exit');
const pause = new Int32Array(new SharedArrayBuffer(4));
process.on('SIGINT', () => process.exit(0));
for (const l of args.filter((a) => a !== '--stderr' && a !== '--exit')) {
  const sleep = /^--sleep=(\d+)$/.exec(l);
  if (sleep) Atomics.wait(pause, 0, 0, Number(sleep[1]));
  else writeSync(fd, `${l}\n`);
}
if (exit) process.exit(0);
setInterval(() => {}, 60_000);
