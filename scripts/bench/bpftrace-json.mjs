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
import { measure, repeatedInput, summary } from '../lib/bench-measure.mjs';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));

export const name = 'bpftrace-json';
export const targetMBps = 300;

/** All bpftrace captures, repeated to >= mb MB, in 64 KiB chunks. */
export function makeInput(mb = 300) {
  const dir = `${ROOT}fixtures/bpftrace/`;
  const files = readdirSync(dir).filter((f) => f.endsWith('.json')).sort();
  return repeatedInput(files.map((f) => readFileSync(dir + f)), mb, 64 * 1024);
}

/** Parses the input; returns bytes, lines, seconds, MB/s, lines/s and peak RSS. */
export async function run({ mb = 300, input = makeInput(mb), fastPath = true } = {}) {
  const { BpftraceJsonParser } = await import(pathToFileURL(`${ROOT}dist/parsers/bpftrace-json.js`).href);
  const { LineSplitter } = await import(pathToFileURL(`${ROOT}dist/parsers/lines.js`).href);
  return measure({ name, targetMBps, bytes: input.bytes }, () => {
    const parser = new BpftraceJsonParser(undefined, { fastPath });
    const splitter = new LineSplitter();
    const onLine = (l) => parser.line(l);
    input.forEachChunk((chunk) => splitter.push(chunk, onLine));
    splitter.end(onLine);
    const r = parser.result();
    let read = 0;
    for (const entry of r.maps.values()) if (entry.value !== undefined) read++;
    return {
      lines: r.lines,
      unrecognized: r.unrecognized,
      detail: `${fastPath ? 'fast path' : 'JSON.parse only'}, ${r.seq} map prints, ${read} maps read, ${r.printf.length} printf kept + ${r.dropped} counted, ${r.unrecognized} unrecognized`,
    };
  });
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const args = process.argv.slice(2);
  console.log(summary(await run({ mb: Number(args.find((a) => /^\d/.test(a)) ?? 300), fastPath: !args.includes('--slow') })));
}
