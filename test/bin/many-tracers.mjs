#!/usr/bin/env node
// Starts N tracers (`sleep 60`) through ctrscope's runner and reports this process's threads and
// RSS before and while they run, then stops them and returns without process.exit: it exits only
// if the runner let go of everything. Usage: many-tracers.mjs [N] [SETTLE_MS] [TRACER_MODULE]
// (TRACER_MODULE defaults to dist/'s tracer.js; pass an older build's to compare.)
// Prints one JSON line: {before, running, after: {threads, rssKiB}, pids}.
import { readFileSync } from 'node:fs';
import { pathToFileURL } from 'node:url';

const n = Number(process.argv[2] ?? 8);
const settleMs = Number(process.argv[3] ?? 0);
const mod = process.argv[4] ? pathToFileURL(process.argv[4]).href : new URL('../../dist/src/runner/tracer.js', import.meta.url).href;
const { Tracer } = await import(mod);

function usage() {
  const status = readFileSync('/proc/self/status', 'utf8');
  const field = (k) => Number(new RegExp(`^${k}:\\s+(\\d+)`, 'm').exec(status)[1]);
  return { threads: field('Threads'), rssKiB: field('VmRSS') };
}

const before = usage();
const tracers = Array.from({ length: n }, () => new Tracer({ label: 'sleep', argv: ['sleep', '60'] }));
for (const t of tracers) t.start();
const pids = await Promise.all(tracers.map((t) => t.whenSpawned()));
if (settleMs) await new Promise((r) => setTimeout(r, settleMs));
const running = usage();
await Promise.all(tracers.map((t) => t.stop()));
const after = usage();
process.stdout.write(JSON.stringify({ before, running, after, pids }) + '\n');
