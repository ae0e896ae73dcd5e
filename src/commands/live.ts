/**
 * The live view's flags on the root command (`ctrscope [--demo] [--record DIR] [targets]`) and the
 * entry probe-run.ts calls when no --probe is given.
 */
import type { Command } from 'commander';
import { z } from 'zod';
import { parseOption } from '../validate.js';
import { targetSelection, type RootOptions } from './root-options.js';
import { settleForLongRun } from '../util/long-run.js';
import { otlpConfig } from '../otel/config.js';

export interface LiveFlags {
  demo?: boolean;
  record?: string;
  without?: string;
}

/** The sources a person may leave out of the live view (the kernel program is the view itself). */
export const OPTIONAL_SOURCES = ['stacks', 'sched', 'containerd-metrics', 'containerd-log'] as const;
export type OptionalSource = (typeof OPTIONAL_SOURCES)[number];

const withoutSchema = z
  .string()
  .transform((s) => s.split(',').map((x) => x.trim()).filter(Boolean))
  .pipe(z.array(z.enum(OPTIONAL_SOURCES, { error: () => `name sources among ${OPTIONAL_SOURCES.join(', ')}, comma-separated` })).min(1, 'name at least one source'));

/** --without's value, checked: the sources to leave out. */
export function parseWithout(value: string | undefined): OptionalSource[] {
  return value === undefined ? [] : [...new Set(parseOption(withoutSchema, value, '--without'))];
}

export function registerLive(program: Command): void {
  program
    .option('--demo', 'live view: also start containers from the test image in a loop (removed on exit)')
    .option('--record <dir>', 'live view: save every tracer\'s raw output with timing to DIR/session.ndjson (see ctrscope replay)')
    .option('--without <sources>', `live view: leave these sources out, and what they cost (${OPTIONAL_SOURCES.join(', ')}; comma-separated)`);
}

/** `ctrscope` with no --probe: the full-screen live view (plain-text snapshots when stdout is not a terminal). */
export async function runLiveCommand(o: RootOptions & LiveFlags): Promise<number> {
  const selection = targetSelection(o);
  const otlp = otlpConfig(o.otlpEndpoint);
  const without = parseWithout(o.without);
  settleForLongRun();
  // Loaded on use: Ink and React take most of a second to load, and other commands never need them.
  const { runLive } = await import('../session/live-run.js');
  return runLive({ selection, demo: !!o.demo, record: o.record, otlp, without });
}
