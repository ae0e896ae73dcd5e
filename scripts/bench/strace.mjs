/**
 * Benchmark: strace trace parsing (parsers/strace.ts, built into dist/) over >= 300 MB made by
 * cycling through the real captures in fixtures/strace/ (inflated once, ~40 MB), fed in 64 KiB
 * chunks through LineSplitter.pushRanges into StraceParser.lineSpan, as `ctrscope report` reads a file. Target: 350 MB/s.
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

/** The trace captures (not the -c tables), inflated and joined. */
function corpus() {
  const dir = `${ROOT}fixtures/strace/`;
  const files = readdirSync(dir).filter((f) => f.endsWith('.txt.gz') && !/-c(-w-U)?\.txt/.test(f)).sort();
  return Buffer.concat(files.map((f) => gunzipSync(readFileSync(dir + f))));
}

/** Parses at least `mb` MB; returns bytes, lines, seconds, MB/s, lines/s and peak RSS. */
export async function run({ mb = 300 } = {}) {
  const { StraceParser } = await import(pathToFileURL(`${ROOT}dist/parsers/strace.js`).href);
  const { LineSplitter } = await import(pathToFileURL(`${ROOT}dist/parsers/lines.js`).href);
  const base = corpus();
  const want = mb * 1e6;
  globalThis.gc?.();
  const rssBefore = process.memoryUsage().rss;
  const parser = new StraceParser();
  const splitter = new LineSplitter();
  const onRange = (t, s, e) => parser.lineSpan(t, s, e);
  let bytes = 0;
  const t0 = process.hrtime.bigint();
  const cpu0 = process.cpuUsage();
  while (bytes < want) {
    for (let i = 0; i < base.length; i += CHUNK) splitter.pushRanges(base.subarray(i, i + CHUNK), onRange);
    bytes += base.length;
  }
  splitter.endRanges(onRange);
  const r = parser.result();
  const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
  const cpu = process.cpuUsage(cpu0);
  // CPU time of this process (all its threads): steadier than wall time on a shared, busy host.
  const cpuSeconds = (cpu.user + cpu.system) / 1e6;
  return {
    name,
    bytes,
    lines: r.lines,
    seconds,
    mbPerSecond: bytes / 1e6 / seconds,
    cpuSeconds,
    mbPerCpuSecond: bytes / 1e6 / cpuSeconds,
    linesPerSecond: r.lines / seconds,
    peakRssMB: process.resourceUsage().maxRSS / 1024,
    rssGrowthMB: (process.memoryUsage().rss - rssBefore) / 1e6,
    unrecognized: r.unrecognized,
    targetMBps,
  };
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const r = await run({ mb: Number(process.argv[2] ?? 300) });
  console.log(
    `${r.name}: ${(r.bytes / 1e6).toFixed(0)} MB, ${r.lines} lines in ${r.seconds.toFixed(2)} s: ` +
      `${r.mbPerSecond.toFixed(0)} MB/s (${r.mbPerCpuSecond.toFixed(0)} MB per CPU second), ${(r.linesPerSecond / 1e6).toFixed(2)} M lines/s, ` +
      `peak RSS ${r.peakRssMB.toFixed(0)} MB (target ${r.targetMBps} MB/s), ${r.unrecognized} unrecognized`,
  );
}
