#!/usr/bin/env node
// Test tracer that serves one process, like strace -p: says "strace: Process PID attached" on
// stderr, then exits 0 once /proc/PID is gone (looked at every 10 ms).
import { existsSync, writeSync } from 'node:fs';

const pid = Number(process.argv[2]);
writeSync(2, `strace: Process ${pid} attached\n`);
const t = setInterval(() => {
  if (!existsSync(`/proc/${pid}`)) {
    clearInterval(t);
    process.exit(0);
  }
}, 10);
