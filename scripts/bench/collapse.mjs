/**
 * Benchmark: `perf script` → folded stacks (parsers/perf-script.ts, built into dist/) over >= 300 MB
 * made by cycling through the real capture fixtures/perf-script/containerd-cpu.perf-script.txt
 * (repeated into a 16 MiB block), fed in 1 MiB chunks decoded as latin1, as `ctrscope collapse`
 * reads a file; the folded text is rendered at the end. Target: 300 MB/s (FlameGraph's
 * stackcollapse-perf.pl: ~34 MB/s).
 * The capture repeats, so after the first pass every frame line is one seen before: this measures
 * the steady state of a long capture, where lines repeat (same address, symbol, module).
 *
 * Module for scripts/bench-parsers.mjs; also runs alone: `node scripts/bench/collapse.mjs [MB]`.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { measure, repeatedInput, summary } from '../lib/bench-measure.mjs';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));

export const name = 'collapse';
export const targetMBps = 300;

/** The containerd capture, repeated to >= mb MB, in 1 MiB chunks. */
export function makeInput(mb = 300) {
  return repeatedInput([readFileSync(`${ROOT}fixtures/perf-script/containerd-cpu.perf-script.txt`)], mb, 1 << 20);
}

/** Collapses the input; returns bytes, lines, seconds, MB/s, lines/s and peak RSS. */
export async function run({ mb = 300, input = makeInput(mb) } = {}) {
  const { PerfScriptCollapser } = await import(pathToFileURL(`${ROOT}dist/parsers/perf-script.js`).href);
  const { renderFolded } = await import(pathToFileURL(`${ROOT}dist/parsers/folded.js`).href);
  return measure({ name, targetMBps, bytes: input.bytes }, () => {
    const collapser = new PerfScriptCollapser();
    input.forEachChunk((chunk) => collapser.push(chunk.toString('latin1')));
    collapser.end();
    const r = collapser.result();
    const folded = renderFolded(r.stacks);
    return {
      lines: r.lines,
      unrecognized: r.unrecognized,
      detail: `${r.samples} samples, ${r.stacks.size} stacks, ${folded.length} bytes folded, ${r.unrecognized} unrecognized`,
    };
  });
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  console.log(summary(await run({ mb: Number(process.argv[2] ?? 300) })));
}
