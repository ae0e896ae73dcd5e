#!/usr/bin/env node
// Test tracer that ignores the signals named on its command line (e.g. `signals.mjs INT TERM`).
// Each one it receives is written to stderr as "got SIGxxx", so a test can count them. Prints
// "ready" on stdout once its handlers are installed (and $READY_STDERR on stderr, when set), then
// runs until killed.
import { writeSync } from 'node:fs';

for (const name of process.argv.slice(2)) process.on(`SIG${name}`, (sig) => writeSync(2, `got ${sig}\n`));
setInterval(() => {}, 60_000);
writeSync(1, 'ready\n');
if (process.env.READY_STDERR) writeSync(2, `${process.env.READY_STDERR}\n`);
