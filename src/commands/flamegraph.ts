/**
 * `ctrscope flamegraph [FILE|-] -o OUT.svg`: folded stacks (ctrscope's or any stackcollapse
 * script's) → an interactive SVG flame graph, laid out as flamegraph.pl lays it out, with its
 * options. Three-column input ("stack BEFORE AFTER", from `ctrscope diff`) draws a differential
 * flame graph: widths from the second profile, red where a stack grew, blue where it shrank.
 *
 *   ctrscope --probe cpu-profile --duration 10s --output cpu.folded && ctrscope flamegraph cpu.folded -o cpu.svg
 */
import type { Command } from 'commander';
import { drawFlameGraph, drawLayoutBytes } from '../flame/draw.js';
import { FLAME_DEFAULTS, paddings } from '../flame/defaults.js';
import { layoutFoldedTrie } from '../flame/layout-trie.js';
import type { FlameOptions } from '../flame/options.js';
import { usageError } from '../errors.js';
import { writeStdout } from '../output/stdout.js';
import { writeFileAtomic } from '../output/write-file.js';
import type { InputKind } from '../input.js';
import { readFolded, readFoldedTrie } from './folded-input.js';
import type { OptionSpec } from './plain-args.js';

const KIND: InputKind = {
  command: 'flamegraph',
  reads: 'folded stacks',
  example: 'ctrscope collapse < perf-script.txt | ctrscope flamegraph -o out.svg',
};

export interface Flags {
  output?: string;
  force?: boolean;
  title?: string;
  subtitle?: string;
  width?: string;
  height?: string;
  fontsize?: string;
  minwidth?: string;
  colors?: string;
  hash?: boolean;
  reverse?: boolean;
  inverted?: boolean;
  flamechart?: boolean;
  negate?: boolean;
  countname?: string;
  nametype?: string;
}

/** A number typed on the command line; anything else stays a string so zod names the flag. */
const numeric = (v: string | undefined) => (v === undefined ? undefined : /^\s*-?\d+(\.\d+)?\s*$/.test(v) ? Number(v) : v);

/**
 * The flags → FlameOptions, or a usage error naming the first bad flag and what it takes. Without
 * option flags, the defaults: the schema (zod) is loaded only to check flags that were given.
 */
export async function flameOptionsFromFlags(f: Flags): Promise<FlameOptions> {
  const input = {
    title: f.title,
    subtitle: f.subtitle,
    width: numeric(f.width),
    height: numeric(f.height),
    fontsize: numeric(f.fontsize),
    minwidth: f.minwidth,
    colors: f.colors,
    hash: f.hash,
    reverse: f.reverse,
    inverted: f.inverted,
    flamechart: f.flamechart,
    negate: f.negate,
    countname: f.countname,
    nametype: f.nametype,
  };
  if (Object.values(input).every((v) => v === undefined)) return { ...FLAME_DEFAULTS };
  const { flameOptionsSchema } = await import('../flame/options.js');
  const r = flameOptionsSchema.safeParse(input);
  if (r.success) return r.data;
  const issue = r.error.issues[0]!;
  const key = String(issue.path[0] ?? '');
  const given = (f as Record<string, unknown>)[key];
  const msg = issue.code === 'invalid_type' ? 'takes a number' : issue.message;
  throw usageError(`--${key} ${JSON.stringify(String(given)).slice(0, 60)}: ${msg}`);
}

/** The command's options: commander's flags and help text, read by the plain parser (plain-args.ts) too. */
export const FLAMEGRAPH_OPTIONS: readonly OptionSpec[] = [
  ['-o, --output <file.svg>', 'write the SVG here (without it: stdout, unless that is a terminal)'],
  ['-f, --force', 'replace the output file if it exists'],
  ['--title <text>', 'title (default "Flame Graph", "Icicle Graph" with --inverted, "Flame Chart" with --flamechart)'],
  ['--subtitle <text>', 'second title line'],
  ['--width <px>', 'image width (default 1200)'],
  ['--height <px>', 'height of each frame (default 16)'],
  ['--fontsize <px>', 'font size (default 12)'],
  ['--minwidth <px|N%>', 'leave out frames narrower than this: pixels, or a percentage of all samples (default 0.1)'],
  ['--colors <palette>', 'hot (default), mem, io, java, js, perl, containerd (kernel, Go runtime, containerd, shim, runc apart), red, green, blue, aqua, yellow, purple, orange'],
  ['--hash', 'colour by name (the same function keeps its colour), not at random'],
  ['--reverse', 'reverse each stack: leaf functions at the root'],
  ['--inverted', 'icicle graph: root at the top'],
  ['--flamechart', 'flame chart: input order kept (time runs left to right), stacks not sorted'],
  ['--negate', 'differential: swap the hues (blue grew, red shrank) and the sign of the change'],
  ['--countname <text>', 'what the counts are (default "samples"; e.g. "us", "bytes")'],
  ['--nametype <text>', 'label before a frame\'s details (default "Function:")'],
];

export function registerFlamegraph(program: Command): void {
  const command = program
    .command('flamegraph')
    .description('draw folded stacks as an interactive SVG flame graph (flamegraph.pl\'s layout and options; three-column input draws a differential one)')
    .argument('[file]', 'folded stacks ("a;b;c COUNT", or "a;b;c BEFORE AFTER"); - or nothing reads stdin', '-');
  for (const [flags, help] of FLAMEGRAPH_OPTIONS) command.option(flags, help);
  command.action(runFlamegraph);
}

/** The command's work, once its command line is read (by commander, or by plain-args.ts). */
export async function runFlamegraph(file: string, flags: Flags): Promise<void> {
  const options = await flameOptionsFromFlags(flags);
  if (!flags.output && process.stdout.isTTY) throw usageError('flamegraph writes SVG, and stdout is a terminal', 'give -o OUT.svg, or redirect: > out.svg');
  // flamegraph.pl's order, sorted while reading (reversed stacks are sorted once reversed).
  const sorted = !options.flamechart && !options.reverse;
  let svg: string | Buffer;
  if (sorted) {
    // ASCII input is read into a trie of its pieces; anything else is decoded first.
    const read = await readFoldedTrie(file, KIND);
    if ('text' in read) svg = drawFlameGraph(read.text.entries, options, undefined, true);
    else {
      const layout = layoutFoldedTrie(read.trie, { minwidth: options.minwidth, width: options.width, xpad: paddings(options).xpad, kernel: options.colors === 'containerd' });
      svg = drawLayoutBytes(layout, options);
    }
  } else svg = drawFlameGraph((await readFolded(file, KIND, 2, false)).entries, options);
  if (flags.output) writeFileAtomic(flags.output, svg, flags.force === true);
  else await writeStdout(svg);
}
