/**
 * Benchmark: bpftrace `-f json` parsing (parsers/bpftrace-json.ts, built into dist/) over >= 300 MB
 * made by cycling through every real capture in fixtures/bpftrace/ (stack maps, hists, stats,
 * printf floods, helper errors; repeated into a 16 MiB block), fed in 64 KiB chunks through the
 * LineSplitter as the runner reads bpftrace's stdout. At the end every map's value is read, so
 * the lazily parsed latest prints are paid for. Target: 300 MB/s.
 *
 * Module for scripts/bench-parsers.mjs; also runs alone: `node scripts/bench/bpftrace-json.mjs [MB]`.
 * `--slow` (alone) parses every line with JSON.parse instead, for comparison.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath, pathToFileURL } from 'node:url';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const CHUNK = 64 * 1024;
const BLOCK = 16 << 20;

export const name = 'bpftrace-json';
export const targetMBps = 300;

/** The input: all bpftrace captures joined, repeated into a block, read `passes` times (>= mb MB). */
export function makeInput(mb = 300) {
  const dir = `${ROOT}fixtures/bpftrace/`;
  const files = readdirSync(dir).filter((f) => f.endsWith('.json')).sort();
  const all = Buffer.concat(files.map((f) => readFileSync(dir + f)));
  const copies = Math.max(1, Math.floor(BLOCK / all.length));
  const block = Buffer.concat(Array.from({ length: copies }, () => all));
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
export async function run({ mb = 300, input = makeInput(mb), fastPath = true } = {}) {
  const { BpftraceJsonParser } = await import(pathToFileURL(`${ROOT}dist/parsers/bpftrace-json.js`).href);
  const { LineSplitter } = await import(pathToFileURL(`${ROOT}dist/parsers/lines.js`).href);
  globalThis.gc?.();
  const rssBefore = process.memoryUsage().rss;
  const parser = new BpftraceJsonParser(undefined, { fastPath });
  const splitter = new LineSplitter();
  const onLine = (l) => parser.line(l);
  const t0 = process.hrtime.bigint();
  const cpu0 = process.cpuUsage();
  input.forEachChunk((chunk) => splitter.push(chunk, onLine));
  splitter.end(onLine);
  const r = parser.result();
  let mapValues = 0;
  for (const entry of r.maps.values()) if (entry.value !== undefined) mapValues++;
  const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
  const cpu = process.cpuUsage(cpu0);
  // CPU time of this process: steadier than wall time on a shared, busy host.
  const cpuSeconds = (cpu.user + cpu.system) / 1e6;
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
    detail: `${fastPath ? 'fast path' : 'JSON.parse only'}, ${r.seq} map prints, ${mapValues} maps read, ${r.printf.length} printf kept + ${r.dropped} counted, ${r.unrecognized} unrecognized`,
    targetMBps,
  };
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const args = process.argv.slice(2);
  const r = await run({ mb: Number(args.find((a) => /^\d/.test(a)) ?? 300), fastPath: !args.includes('--slow') });
  console.log(
    `${r.name}: ${(r.bytes / 1e6).toFixed(0)} MB, ${r.lines} lines in ${r.seconds.toFixed(2)} s: ` +
      `${r.mbPerSecond.toFixed(0)} MB/s (${r.mbPerCpuSecond.toFixed(0)} MB per CPU second), ${(r.linesPerSecond / 1e6).toFixed(2)} M lines/s, ` +
      `peak RSS ${r.peakRssMB.toFixed(0)} MB (target ${r.targetMBps} MB/s); ${r.detail}`,
  );
}
