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
import { measure, repeatedInput, summary } from '../lib/bench-measure.mjs';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));

export const name = 'strace';
export const targetMBps = 350;

/** The trace captures (not the -c tables), inflated, repeated to >= mb MB, in 64 KiB chunks. */
export function makeInput(mb = 300) {
  const dir = `${ROOT}fixtures/strace/`;
  const files = readdirSync(dir).filter((f) => f.endsWith('.txt.gz') && !/-c(-w-U)?\.txt/.test(f)).sort();
  return repeatedInput(files.map((f) => gunzipSync(readFileSync(dir + f))), mb, 64 * 1024);
}

/** Parses the input; returns bytes, lines, seconds, MB/s, lines/s and peak RSS. */
export async function run({ mb = 300, input = makeInput(mb) } = {}) {
  const { StraceParser } = await import(pathToFileURL(`${ROOT}dist/parsers/strace.js`).href);
  const { LineSplitter } = await import(pathToFileURL(`${ROOT}dist/parsers/lines.js`).href);
  return measure({ name, targetMBps, bytes: input.bytes }, () => {
    const parser = new StraceParser();
    const splitter = new LineSplitter();
    const onSpan = (t, s, e) => parser.lineSpan(t, s, e);
    input.forEachChunk((chunk) => splitter.pushRanges(chunk, onSpan));
    splitter.endRanges(onSpan);
    const r = parser.result();
    const calls = r.syscalls.reduce((a, s) => a + s.calls, 0);
    return { lines: r.lines, unrecognized: r.unrecognized, detail: `${calls} calls of ${r.syscalls.length} syscalls, ${r.unrecognized} lines not understood` };
  });
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  console.log(summary(await run({ mb: Number(process.argv[2] ?? 300) })));
}
