/**
 * The live view's flags on the root command (`ctrscope [--demo] [--record DIR] [targets]`) and the
 * entry probe-run.ts calls when no --probe is given.
 */
import type { Command } from 'commander';
import { targetSelection, type RootOptions } from './root-options.js';
import { settleForLongRun } from '../util/long-run.js';
import { otlpConfig } from '../otel/config.js';

export interface LiveFlags {
  demo?: boolean;
  record?: string;
}

export function registerLive(program: Command): void {
  program
    .option('--demo', 'live view: also start containers from the test image in a loop (removed on exit)')
    .option('--record <dir>', 'live view: save every tracer\'s raw output with timing to DIR/session.ndjson (see ctrscope replay)');
}

/** `ctrscope` with no --probe: the full-screen live view (plain-text snapshots when stdout is not a terminal). */
export async function runLiveCommand(o: RootOptions & LiveFlags): Promise<number> {
  const selection = targetSelection(o);
  const otlp = otlpConfig(o.otlpEndpoint);
  settleForLongRun();
  // Loaded on use: Ink and React take most of a second to load, and other commands never need them.
  const { runLive } = await import('../session/live-run.js');
  return runLive({ selection, demo: !!o.demo, record: o.record, otlp });
}
