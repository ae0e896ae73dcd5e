#!/usr/bin/env node
// Test tracer that attaches and prints: writes each argument as a line to stdout (to stderr with
// --stderr), e.g. a fake attached line then data, then runs until SIGINT and exits 0. With --exit
// it exits 0 at once after the lines (a tracer that ended by itself).
import { writeSync } from 'node:fs';

const args = process.argv.slice(2);
const fd = args.includes('--stderr') ? 2 : 1;
const exit = args.includes('--exit');
process.on('SIGINT', () => process.exit(0));
for (const l of args.filter((a) => a !== '--stderr' && a !== '--exit')) writeSync(fd, `${l}\n`);
if (exit) process.exit(0);
setInterval(() => {}, 60_000);
