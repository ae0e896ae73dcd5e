/**
 * `ctrscope collapse [--pid|--tid|--kernel|--jit|--all|--addrs] [FILE|-]`: `perf script` output →
 * folded stacks for flamegraph.pl, the same bytes FlameGraph's stackcollapse-perf.pl prints.
 *
 *   perf record -F 99 -g -p $(pgrep -xo containerd) -- sleep 10 && perf script | ctrscope collapse > out.folded
 *
 * `--output FILE` / `--format` write the same stacks as pprof (.pb.gz) or speedscope
 * (.speedscope.json) instead (src/export/formats.ts picks the format).
 */
import type { Command } from 'commander';
import { PerfScriptCollapser, type PerfCollapseOptions } from '../../parsers/perf-script.js';
import { CtrscopeError } from '../errors.js';
import { textChunks, openInput, readError, type InputKind } from '../input.js';
import { writeStdout } from '../output/stdout.js';
import { writeFileAtomic, checkOutputPath } from '../output/write-file.js';
import { chooseFormat } from '../export/formats.js';
import { perfScriptProfile } from '../export/perf-profile.js';
import { PerfModules } from '../../parsers/perf-modules.js';
import { LineSplitter } from '../../parsers/lines.js';
import { renderFolded } from '../../parsers/folded.js';

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
    .option('-o, --output <file>', 'write to a file; its name picks the format: .folded, .pb.gz (pprof), .speedscope.json, .svg')
    .option('--format <format>', 'folded (default on stdout), pprof, speedscope or svg')
    .option('--force', 'replace --output if it exists')
    .action(async (file: string, options: CollapseOptions) => {
      process.exitCode = await runCollapse(file, options);
    });
}

export interface CollapseOptions extends PerfCollapseOptions {
  output?: string;
  format?: string;
  force?: boolean;
}

export async function runCollapse(file: string, options: CollapseOptions): Promise<number> {
  // A bad --format or --output fails before any input is read.
  const chosen = chooseFormat(options.output, options.format, 'folded');
  if (options.output) checkOutputPath(options.output, !!options.force);
  const input = await openInput(file, KIND, 1 << 20);
  const collapser = new PerfScriptCollapser(options);
  // pprof names each frame's binary: the modules perf printed, read beside the collapser.
  const modules = chosen.format === 'pprof' ? new PerfModules({ kernel: !!(options.kernel || options.all), jit: !!(options.jit || options.all), addrs: !!options.addrs }) : null;
  const splitter = new LineSplitter();
  const onLine = (l: string) => modules!.line(l);
  try {
    for await (const chunk of textChunks(input as AsyncIterable<Buffer>, file === '-' ? 'stdin' : file, KIND)) {
      // latin1: one character per byte and back, so the output bytes are the Perl script's.
      const text = chunk.toString('latin1');
      collapser.push(text);
      if (modules) splitter.push(text, onLine);
    }
  } catch (err) {
    if (err instanceof CtrscopeError) throw err;
    throw readError(file, err, KIND);
  }
  collapser.end();
  if (modules) splitter.end(onLine);
  const result = collapser.result();
  let bytes: Uint8Array;
  // latin1 back to bytes: the Perl script's output, byte for byte.
  if (chosen.format === 'folded') bytes = Buffer.from(renderFolded(result.stacks), 'latin1');
  else {
    // The stacks hold the input's bytes one per character: other formats get them as UTF-8 text.
    const utf8 = (k: string) => Buffer.from(k, 'latin1').toString('utf8');
    const text = new Map([...result.stacks].map(([k, v]) => [utf8(k), v]));
    const mods = modules ? new Map([...modules.modules].map(([k, v]) => [utf8(k), utf8(v)])) : undefined;
    bytes = chosen.write(perfScriptProfile(result.event, text, `collapse ${file === '-' ? 'stdin' : file}`, mods));
  }
  if (options.output) {
    writeFileAtomic(options.output, bytes, !!options.force);
    process.stderr.write(`ctrscope: collapse: wrote ${options.output} (${chosen.label}, ${result.stacks.size} stacks)\n`);
  } else await writeStdout(bytes);
  if (result.unrecognized > 0) {
    process.stderr.write(`ctrscope: collapse: ${result.unrecognized} of ${result.lines} lines are not perf script output; skipped\n`);
  }
  if (result.skippedSamples > 0) {
    process.stderr.write(`ctrscope: collapse: counted ${result.event} samples only; ${result.skippedSamples} samples of other events left out\n`);
  }
  return 0;
}
