/**
 * Benchmark: strace trace parsing (parsers/strace.ts, built into dist/) over >= 300 MB made by
 * cycling through the real captures in fixtures/strace/ (inflated once, ~40 MB: containerd, its
 * shims and runc, with -tt/-ttt/-r/-y/-X verbose/stderr prefixes), fed in 64 KiB chunks (what
 * `ctrscope report` reads a file in) through LineSplitter.pushRanges into StraceParser.lineSpan.
 * Target: 350 MB/s.
 *
 * Module for scripts/bench-parsers.mjs; also runs alone: `node scripts/bench/strace.mjs [MB]`.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import { fileURLToPath, pathToFileURL } from 'node:url';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const CHUNK = 64 * 1024;

export const name = 'strace';
export const targetMBps = 350;

/** The input: the trace captures (not the -c tables) joined, read over and over (>= mb MB in all). */
export function makeInput(mb = 300) {
  const dir = `${ROOT}fixtures/strace/`;
  const files = readdirSync(dir).filter((f) => f.endsWith('.txt.gz') && !/-c(-w-U)?\.txt/.test(f)).sort();
  const block = Buffer.concat(files.map((f) => gunzipSync(readFileSync(dir + f))));
  const passes = Math.ceil((mb * 1e6) / block.length);
  return {
    bytes: block.length * passes,
    /** Calls f with each 64 KiB chunk, in order. */
    forEachChunk(f) {
      for (let p = 0; p < passes; p++) for (let i = 0; i < block.length; i += CHUNK) f(block.subarray(i, i + CHUNK));
    },
  };
}

/** Parses the input; returns bytes, lines, seconds, MB/s, lines/s and peak RSS. */
export async function run({ mb = 300, input = makeInput(mb) } = {}) {
  const { StraceParser } = await import(pathToFileURL(`${ROOT}dist/parsers/strace.js`).href);
  const { LineSplitter } = await import(pathToFileURL(`${ROOT}dist/parsers/lines.js`).href);
  globalThis.gc?.();
  const rssBefore = process.memoryUsage().rss;
  const parser = new StraceParser();
  const splitter = new LineSplitter();
  const onSpan = (t, s, e) => parser.lineSpan(t, s, e);
  const t0 = process.hrtime.bigint();
  const cpu0 = process.cpuUsage();
  input.forEachChunk((chunk) => splitter.pushRanges(chunk, onSpan));
  splitter.endRanges(onSpan);
  const r = parser.result();
  const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
  const cpu = process.cpuUsage(cpu0);
  // CPU time of this process (all its threads): steadier than wall time on a shared, busy host.
  const cpuSeconds = (cpu.user + cpu.system) / 1e6;
  const calls = r.syscalls.reduce((a, s) => a + s.calls, 0);
  return {
    name,
    bytes: input.bytes,
    lines: r.lines,
    seconds,
    mbPerSecond: input.bytes / 1e6 / seconds,
    cpuSeconds,
    mbPerCpuSecond: input.bytes / 1e6 / cpuSeconds,
    linesPerSecond: r.lines / seconds,
    peakRssMB: process.resourceUsage().maxRSS / 1024,
    rssGrowthMB: (process.memoryUsage().rss - rssBefore) / 1e6,
    unrecognized: r.unrecognized,
    detail: `${calls} calls of ${r.syscalls.length} syscalls, ${r.unrecognized} lines not understood`,
    targetMBps,
  };
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const r = await run({ mb: Number(process.argv[2] ?? 300) });
  console.log(
    `${r.name}: ${(r.bytes / 1e6).toFixed(0)} MB, ${r.lines} lines in ${r.seconds.toFixed(2)} s: ` +
      `${r.mbPerSecond.toFixed(0)} MB/s (${r.mbPerCpuSecond.toFixed(0)} MB per CPU second), ${(r.linesPerSecond / 1e6).toFixed(2)} M lines/s, ` +
      `peak RSS ${r.peakRssMB.toFixed(0)} MB (target ${r.targetMBps} MB/s); ${r.detail}`,
  );
}
