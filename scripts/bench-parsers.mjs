#!/usr/bin/env node
/**
 * Parser benchmarks: runs every module in scripts/bench/ (or the ones named), against dist/
 * (`npm run build` first). `npm run bench [-- NAME... [--mb N]]`.
 *
 * A module exports `name`, `targetMBps` and `run({ mb, input })` → { bytes, lines, seconds,
 * mbPerSecond, linesPerSecond, peakRssMB, ... }. If it also exports `makeInput(mb)` → { bytes,
 * forEachChunk(f) }, the same input is first scanned for "\n" only: the baseline, what reading
 * the bytes costs before any parsing.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { fileURLToPath, pathToFileURL } from 'node:url';

const ROOT = fileURLToPath(new URL('../', import.meta.url));
const DIR = `${ROOT}scripts/bench/`;

const args = process.argv.slice(2);
let mb = 300;
const names = [];
for (let i = 0; i < args.length; i++) {
  if (args[i] === '--mb') mb = Number(args[++i]);
  else names.push(args[i].replace(/\.mjs$/, ''));
}
if (!(mb > 0)) {
  console.error('bench-parsers: --mb wants a positive number');
  process.exit(2);
}
if (!existsSync(`${ROOT}dist/parsers`)) {
  console.error('bench-parsers: dist/ is missing (run npm run build first)');
  process.exit(2);
}
const available = readdirSync(DIR).filter((f) => f.endsWith('.mjs')).map((f) => f.slice(0, -4)).sort();
const unknown = names.filter((n) => !available.includes(n));
if (unknown.length > 0) {
  console.error(`bench-parsers: no benchmark ${unknown.join(', ')} (have: ${available.join(', ')})`);
  process.exit(2);
}

/** Counts "\n" bytes over the input: the floor any line parser stands on. */
function baseline(input) {
  let lines = 0;
  const t0 = process.hrtime.bigint();
  input.forEachChunk((chunk) => {
    for (let i = chunk.indexOf(10); i !== -1; i = chunk.indexOf(10, i + 1)) lines++;
  });
  const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
  return { lines, seconds, mbPerSecond: input.bytes / 1e6 / seconds };
}

const todo = names.length > 0 ? names : available;
if (todo.length > 1) {
  // One process each: peak RSS and JIT state are then each benchmark's own.
  let failed = false;
  for (const n of todo) {
    const r = spawnSync(process.execPath, ['--expose-gc', fileURLToPath(import.meta.url), n, '--mb', String(mb)], { stdio: 'inherit' });
    failed ||= r.status !== 0;
  }
  process.exit(failed ? 1 : 0);
}

let failed = false;
for (const n of todo) {
  const mod = await import(pathToFileURL(`${DIR}${n}.mjs`).href);
  const input = typeof mod.makeInput === 'function' ? mod.makeInput(mb) : undefined;
  if (input) {
    const b = baseline(input);
    console.log(`${mod.name} baseline (count "\\n"): ${(b.lines / 1e6).toFixed(2)} M lines in ${b.seconds.toFixed(2)} s: ${b.mbPerSecond.toFixed(0)} MB/s`);
  }
  const r = await mod.run({ mb, input });
  const ok = r.mbPerSecond >= mod.targetMBps;
  failed ||= !ok;
  console.log(
    `${r.name}: ${(r.bytes / 1e6).toFixed(0)} MB, ${(r.lines / 1e6).toFixed(2)} M lines in ${r.seconds.toFixed(2)} s: ` +
      `${r.mbPerSecond.toFixed(0)} MB/s` +
      (r.mbPerCpuSecond ? ` (${r.mbPerCpuSecond.toFixed(0)} MB per CPU second)` : '') +
      `, ${(r.linesPerSecond / 1e6).toFixed(2)} M lines/s, peak RSS ${r.peakRssMB.toFixed(0)} MB; ` +
      `target ${mod.targetMBps} MB/s: ${ok ? 'met' : 'NOT met'}` +
      (r.detail ? `; ${r.detail}` : ''),
  );
  globalThis.gc?.();
}
process.exitCode = failed ? 1 : 0;
