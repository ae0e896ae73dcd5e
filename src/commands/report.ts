/**
 * `ctrscope report FILE|- [--format auto|strace|strace-summary|perf-script|perf-stat|bpftrace-json] [--json]`:
 * reads a saved tracer output, streamed (never whole into memory), finds its format from its first
 * lines, and prints what it says: for strace, syscalls by time spent and the slowest calls.
 *
 *   strace -f -tt -T -o trace.txt -p $(pgrep -xo containerd) & ... ; ctrscope report trace.txt
 *
 * `--format folded|pprof|speedscope|svg` (or `--output FILE` named so) writes the stacks of a
 * perf script input in that format instead of the summary (src/export/formats.ts).
 */
import { Option, type Command } from 'commander';
import { detectFormat, DETECT_LINES, FORMATS, isTelling, type Format } from '../../parsers/detect.js';
import { LineSplitter, type LineParser } from '../../parsers/lines.js';
import { CtrscopeError } from '../errors.js';
import { rendererFor } from '../report/index.js';
import { textChunks, openInput, readError, type InputKind } from '../input.js';
import { writeStdout } from '../output/stdout.js';
import type { ReportRenderer } from '../report/types.js';
import { chooseFormat, EXPORT_FORMAT_NAMES, type ChosenFormat, type ExportFormat } from '../export/formats.js';
import { perfScriptProfile } from '../export/perf-profile.js';
import type { PerfCollapseResult } from '../../parsers/perf-script.js';
import { checkOutputPath, writeFileAtomic } from '../output/write-file.js';

const FORMATS_HINT = 'strace -o output, strace -c, perf script, perf stat -x, or bpftrace -f json';
const KIND: InputKind = { command: 'report', reads: FORMATS_HINT, example: 'strace -f -T -o trace.txt -p PID ... && ctrscope report trace.txt' };

/** Bytes read at most before the format must be known (a first line can be very long). */
const DETECT_BYTES = 16 << 20;

export interface ReportOptions {
  /** What the input is, or an export format for its stacks. */
  format: 'auto' | Format | ExportFormat;
  json?: boolean;
  output?: string;
  force?: boolean;
}

const isExport = (f: string): f is ExportFormat => (EXPORT_FORMAT_NAMES as string[]).includes(f);

export function registerReport(program: Command): void {
  program
    .command('report')
    .description('summarise a saved tracer output: strace (-o file or stderr), strace -c, perf script, perf stat, bpftrace -f json')
    .argument('<file>', 'the file, or - for stdin')
    .addOption(new Option('--format <format>', `what the input is, or the format to write a perf script's stacks in (${EXPORT_FORMAT_NAMES.join(', ')})`).choices(['auto', ...FORMATS, ...EXPORT_FORMAT_NAMES]).default('auto'))
    .option('--json', 'print JSON instead of tables')
    .option('-o, --output <file>', "write a perf script's stacks to a file; its name picks the format (.folded, .pb.gz, .speedscope.json, .svg)")
    .option('--force', 'replace --output if it exists')
    .action(async (file: string, options: ReportOptions) => {
      process.exitCode = await runReport(file, options);
    });
}

/** A parser chosen for the input, and the splitter feeding it (lines in place when it can). */
class Feed {
  readonly parser: LineParser<unknown>;
  constructor(
    readonly format: Format,
    readonly renderer: ReportRenderer<unknown>,
    private readonly splitter: LineSplitter,
  ) {
    this.parser = renderer.parser();
  }
  private readonly onLine = (l: string) => this.parser.line(l);
  private readonly onSpan = (t: string, s: number, e: number) => this.parser.lineSpan!(t, s, e);
  push(chunk: Uint8Array): void {
    if (this.parser.lineSpan) this.splitter.pushRanges(chunk, this.onSpan);
    else this.splitter.push(chunk, this.onLine);
  }
  end(): unknown {
    if (this.parser.lineSpan) this.splitter.endRanges(this.onSpan);
    else this.splitter.end(this.onLine);
    return this.parser.result();
  }
}

export async function runReport(file: string, options: ReportOptions): Promise<number> {
  const name = file === '-' ? 'stdin' : file;
  const exporting = isExport(options.format) || options.output !== undefined;
  // Checked before reading: a bad name or a format this build lacks fails at once.
  const chosen = exporting ? chooseFormat(options.output, isExport(options.format) ? options.format : undefined) : null;
  if (options.output) checkOutputPath(options.output, !!options.force);
  const inputFormat = isExport(options.format) ? 'auto' : options.format;
  const input = await openInput(file, KIND);
  // One splitter for the whole input: it holds a line (or character) cut between chunks.
  const splitter = new LineSplitter();
  let feed = inputFormat === 'auto' ? null : new Feed(inputFormat, rendererFor(inputFormat), splitter);
  // Until the format is known: the first lines, kept to detect it, then replayed.
  const head: string[] = [];
  let telling = 0;
  const keep = (l: string) => {
    head.push(l);
    if (isTelling(l)) telling++;
  };
  let bytes = 0;
  const choose = (): Feed => {
    const format = detectFormat(head);
    if (format === null) throw new CtrscopeError('input', `${name} is not a tracer output report knows`, `it reads ${FORMATS_HINT}; --format names one`);
    const f = new Feed(format, rendererFor(format), splitter);
    for (const l of head) f.parser.line(l);
    head.length = 0;
    return f;
  };
  try {
    for await (const chunk of textChunks(input as AsyncIterable<Buffer>, name, KIND)) {
      bytes += chunk.length;
      if (feed) {
        feed.push(chunk);
        continue;
      }
      splitter.push(chunk, keep);
      if (telling >= DETECT_LINES || bytes >= DETECT_BYTES) feed = choose();
    }
  } catch (err) {
    if (err instanceof CtrscopeError) throw err;
    throw readError(file, err, KIND);
  }
  if (bytes === 0) throw new CtrscopeError('input', `${name} is empty`, `give ${FORMATS_HINT}`);
  if (!feed) {
    splitter.end(keep);
    feed = choose();
  }
  const result = feed.end();
  const { renderer, format } = feed;
  const counts = renderer.json(result) as { lines: number; unrecognized: number };
  // A --format that does not fit: with a quarter of the lines unread, what the rest gave is noise.
  const mostlyUnread = inputFormat !== 'auto' && counts.unrecognized * 4 > counts.lines;
  if (!renderer.recognized(result) || mostlyUnread) {
    const { lines, unrecognized } = counts;
    throw new CtrscopeError('input', `${name} does not look like ${format} output (${unrecognized} of ${lines} lines not understood)`, `it reads ${FORMATS_HINT}`);
  }
  if (chosen) await exportStacks(name, format, result, chosen, options);
  else await writeStdout(options.json ? JSON.stringify(renderer.json(result), null, 2) + '\n' : renderer.text(result));
  const { lines, unrecognized } = renderer.json(result) as { lines: number; unrecognized: number };
  if (unrecognized > 0) process.stderr.write(`ctrscope: report: ${unrecognized} of ${lines} lines are not ${format} output; skipped\n`);
  return 0;
}

/** Writes the stacks of a perf script input in the chosen format, to --output or stdout. */
async function exportStacks(name: string, format: Format, result: unknown, chosen: ChosenFormat, o: ReportOptions): Promise<void> {
  if (format !== 'perf-script') throw new CtrscopeError('input', `${name} is ${format} output: report writes stacks only from perf script output`, 'give `perf script` output, or use --probe cpu-profile --output FILE');
  const r = result as PerfCollapseResult;
  const bytes = chosen.write(perfScriptProfile(r.event, r.stacks, `report ${name}`));
  if (!o.output) return writeStdout(bytes);
  writeFileAtomic(o.output, bytes, !!o.force);
  process.stderr.write(`ctrscope: report: wrote ${o.output} (${chosen.label}, ${r.stacks.size} stacks)\n`);
}
