/** `ctrscope replay DIR [--speed N]`: plays a recording made with --record through the live view, offline. */
import type { Command } from 'commander';
import { z } from 'zod';
import { parseOption } from '../validate.js';

const speedSchema = z
  .string()
  .regex(/^\d+(\.\d+)?$/, 'a speed is a positive number such as 0.5, 1 or 10')
  .transform(Number)
  .refine((n) => n >= 0.1 && n <= 1000, 'a speed is between 0.1 and 1000');

export function registerReplay(program: Command): void {
  program
    .command('replay')
    .description('play a recording made with --record through the same parsers and live view, offline')
    .argument('<dir>', 'the directory given to --record')
    .option('--speed <n>', 'play faster (10) or slower (0.5) than recorded', '1')
    .action(async (dir: string, o: { speed: string }) => {
      const speed = parseOption(speedSchema, o.speed, '--speed');
      // Loaded on use, like the live view: Ink and React are slow to load.
      const { runReplay } = await import('../session/replay-run.js');
      process.exitCode = await runReplay({ dir, speed });
    });
}
