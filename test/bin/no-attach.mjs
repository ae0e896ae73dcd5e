#!/usr/bin/env node
// Test tracer that never attaches: writes each argument after the first to stderr as a line, then
// exits with the first as its code (`no-attach.mjs 1 "ERROR: kfunc not supported"`).
import { writeSync } from 'node:fs';

const [code, ...lines] = process.argv.slice(2);
for (const l of lines) writeSync(2, `${l}\n`);
process.exit(Number(code ?? 1));
