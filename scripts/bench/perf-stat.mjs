/**
 * Benchmark: `perf stat` output parsing (parsers/perf-stat.ts, built into dist/) over >= 300 MB made
 * by cycling through every real capture in fixtures/perf-stat/ (CSV and human, plain, -I, per
 * thread / CPU / core, -r; repeated into a 16 MiB block), fed in 64 KiB chunks through the
 * LineSplitter. perf stat prints little: even `-I 100 --per-thread` over 1,000 threads and 10
 * events is 100,000 rows (~6 MB) a second, so this guards against a pathological slowdown more
 * than it sizes anything. Target: 20 MB/s.
 *
 * Module for scripts/bench-parsers.mjs; also runs alone: `node scripts/bench/perf-stat.mjs [MB]`.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { measure, repeatedInput, summary } from '../lib/bench-measure.mjs';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));

export const name = 'perf-stat';
export const targetMBps = 20;

/** All perf stat captures, repeated to >= mb MB, in 64 KiB chunks. */
export function makeInput(mb = 300) {
  const dir = `${ROOT}fixtures/perf-stat/`;
  const files = readdirSync(dir).filter((f) => f.endsWith('.txt')).sort();
  return repeatedInput(files.map((f) => readFileSync(dir + f)), mb, 64 * 1024);
}

/** Parses the input; returns bytes, lines, seconds, MB/s, lines/s and peak RSS. */
export async function run({ mb = 300, input = makeInput(mb) } = {}) {
  const { PerfStatParser } = await import(pathToFileURL(`${ROOT}dist/parsers/perf-stat.js`).href);
  const { LineSplitter } = await import(pathToFileURL(`${ROOT}dist/parsers/lines.js`).href);
  return measure({ name, targetMBps, bytes: input.bytes }, () => {
    const parser = new PerfStatParser();
    const splitter = new LineSplitter();
    const onLine = (l) => parser.line(l);
    input.forEachChunk((chunk) => splitter.push(chunk, onLine));
    splitter.end(onLine);
    const r = parser.result();
    return {
      lines: r.lines,
      unrecognized: r.unrecognized,
      detail: `${r.events.size} events, ${r.intervals.length} intervals kept + ${r.droppedIntervals} dropped, ${r.unrecognized} unrecognized`,
    };
  });
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  console.log(summary(await run({ mb: Number(process.argv[2] ?? 300) })));
}
