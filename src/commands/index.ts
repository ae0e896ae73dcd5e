/** Every command ctrscope knows. Each module adds its own to the program. */
import type { Command } from 'commander';
import { registerProbeRun } from './probe-run.js';

export function registerCommands(program: Command): void {
  registerProbeRun(program);
}
