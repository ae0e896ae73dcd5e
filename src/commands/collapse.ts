/**
 * `ctrscope collapse [--pid|--tid|--kernel|--jit|--all|--addrs] [FILE|-]`: `perf script` output →
 * folded stacks for flamegraph.pl, the same bytes FlameGraph's stackcollapse-perf.pl prints.
 *
 *   perf record -F 99 -g -p $(pgrep -xo containerd) -- sleep 10 && perf script | ctrscope collapse > out.folded
 */
import type { Command } from 'commander';
import { PerfScriptCollapser, type PerfCollapseOptions } from '../../parsers/perf-script.js';
import { renderFolded } from '../../parsers/folded.js';
import { CtrscopeError } from '../errors.js';
import { binaryInput, openInput, readError, type InputKind } from '../input.js';
import { writeStdout } from '../output/stdout.js';

const KIND: InputKind = { command: 'collapse', reads: 'perf script output', example: 'perf script | ctrscope collapse' };

export function registerCollapse(program: Command): void {
  program
    .command('collapse')
    .description("fold `perf script` output into stacks for flamegraph.pl (the bytes FlameGraph's stackcollapse-perf.pl prints)")
    .argument('[file]', 'perf script output; - or nothing reads stdin', '-')
    .option('--pid', 'root frame comm-PID')
    .option('--tid', 'root frame comm-PID/TID')
    .option('--kernel', 'mark kernel frames with _[k]')
    .option('--jit', 'mark JIT frames (/tmp/perf-PID.map) with _[j]')
    .option('--all', '--kernel and --jit')
    .option('--addrs', 'show the address of frames without a symbol')
    .action(async (file: string, options: PerfCollapseOptions) => {
      process.exitCode = await runCollapse(file, options);
    });
}

export async function runCollapse(file: string, options: PerfCollapseOptions): Promise<number> {
  const input = await openInput(file, KIND, 1 << 20);
  const collapser = new PerfScriptCollapser(options);
  let first = true;
  try {
    for await (const chunk of input as AsyncIterable<Buffer>) {
      if (first) {
        first = false;
        const bad = binaryInput(chunk, file === '-' ? 'stdin' : file, KIND);
        if (bad) throw bad;
      }
      // latin1: one character per byte and back, so the output bytes are the Perl script's.
      collapser.push(chunk.toString('latin1'));
    }
  } catch (err) {
    if (err instanceof CtrscopeError) throw err;
    throw readError(file, err, KIND);
  }
  collapser.end();
  const result = collapser.result();
  await writeStdout(Buffer.from(renderFolded(result.stacks), 'latin1'));
  if (result.unrecognized > 0) {
    process.stderr.write(`ctrscope: collapse: ${result.unrecognized} of ${result.lines} lines are not perf script output; skipped\n`);
  }
  if (result.skippedSamples > 0) {
    process.stderr.write(`ctrscope: collapse: counted ${result.event} samples only; ${result.skippedSamples} samples of other events left out\n`);
  }
  return 0;
}
