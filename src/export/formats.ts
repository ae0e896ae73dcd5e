/**
 * The export formats by name and file extension, and the one place that picks a format for an
 * --output file or a --format flag. Every command that writes stacks (cpu-profile, off-cpu,
 * go-cpu, heap, collapse, report) asks here.
 */
import { z } from 'zod';
import { CtrscopeError } from '../errors.js';
import { renderFlameGraph } from '../flame/render.js';
import { foldedBytes } from './folded.js';
import { pprofBytes } from './pprof.js';
import { speedscopeBytes } from './speedscope.js';
import type { StackProfile } from './types.js';

export type ExportWriter = (p: StackProfile) => Uint8Array;

interface FormatEntry {
  /** The file name ending that selects it. */
  ext: string;
  /** Other endings that select it too. */
  aliases?: readonly string[];
  /** What it is, for messages. */
  label: string;
  /** The writer; throws a CtrscopeError when this build cannot write the format. */
  writer(): ExportWriter;
}

export const EXPORT_FORMATS = {
  folded: { ext: '.folded', label: 'folded stacks', writer: () => foldedBytes },
  // The containerd palette tells kernel, Go runtime, containerd, the shim and runc apart.
  svg: { ext: '.svg', label: 'SVG flame graph', writer: () => (p) => Buffer.from(renderFlameGraph(p.stacks as Iterable<[string, number]>, { title: p.name, colors: 'containerd' })) },
  // .pprof: the name the heap probe's docs used before there were formats (gzipped all the same).
  pprof: { ext: '.pb.gz', aliases: ['.pprof'], label: 'pprof profile', writer: () => pprofBytes },
  speedscope: { ext: '.speedscope.json', label: 'speedscope profile', writer: () => speedscopeBytes },
} as const satisfies Record<string, FormatEntry>;

export type ExportFormat = keyof typeof EXPORT_FORMATS;
export const EXPORT_FORMAT_NAMES = Object.keys(EXPORT_FORMATS) as ExportFormat[];

export const exportFormatSchema = z.enum(EXPORT_FORMAT_NAMES as [ExportFormat, ...ExportFormat[]]);

const EXTENSIONS = EXPORT_FORMAT_NAMES.map((f) => EXPORT_FORMATS[f].ext).join(', ');

/** The format a file name ends with, or null. */
export function formatOfName(path: string): ExportFormat | null {
  const lower = path.toLowerCase();
  const endings = EXPORT_FORMAT_NAMES.flatMap((f) => {
    const e: FormatEntry = EXPORT_FORMATS[f];
    return [e.ext, ...(e.aliases ?? [])].map((ext) => ({ f, ext }));
  });
  // Longest ending first: ".speedscope.json" before any shorter one.
  return endings.sort((a, b) => b.ext.length - a.ext.length).find((x) => lower.endsWith(x.ext))?.f ?? null;
}

/** A --format value, validated. */
export function parseExportFormat(value: string): ExportFormat {
  const r = exportFormatSchema.safeParse(value);
  if (!r.success) throw new CtrscopeError('usage', `--format ${JSON.stringify(String(value).slice(0, 40))} is not an export format`, `give one of ${EXPORT_FORMAT_NAMES.join(', ')}`);
  return r.data;
}

export interface ChosenFormat {
  format: ExportFormat;
  label: string;
  write: ExportWriter;
}

/**
 * The format for an output: --format when given, else the --output file's ending, else
 * `fallback` (stdout). The writer is looked up now, so a format this build lacks fails before
 * any tracing.
 */
export function chooseFormat(output: string | undefined, format: string | undefined, fallback?: ExportFormat): ChosenFormat {
  let f: ExportFormat | null = format !== undefined ? parseExportFormat(format) : null;
  if (f === null && output !== undefined) {
    f = formatOfName(output);
    if (f === null) throw new CtrscopeError('usage', `cannot tell the format of ${output} from its name`, `end it with ${EXTENSIONS}, or give --format ${EXPORT_FORMAT_NAMES.join('|')}`);
  }
  f ??= fallback ?? null;
  if (f === null) throw new CtrscopeError('usage', 'no output format', `give --output FILE ending with ${EXTENSIONS}, or --format`);
  const e: FormatEntry = EXPORT_FORMATS[f];
  return { format: f, label: e.label, write: e.writer() };
}
