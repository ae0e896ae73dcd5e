/**
 * `ctrscope diff BEFORE.folded AFTER.folded [-n] [-s]`: two profiles' folded stacks → the two-count
 * folded format ("stack BEFORE AFTER"), difffolded.pl's output, for `ctrscope flamegraph`.
 *
 *   ctrscope diff -n before.folded after.folded | ctrscope flamegraph -o diff.svg
 */
import type { Command } from 'commander';
import { diffFolded, renderDiff } from '../flame/diff.js';
import { writeStdout } from '../output/stdout.js';
import { readFolded } from './folded-input.js';
import type { InputKind } from '../input.js';
import { usageError } from '../errors.js';

const KIND: InputKind = { command: 'diff', reads: 'folded stacks', example: 'ctrscope collapse, or ctrscope --probe cpu-profile --output FILE.folded' };

export function registerDiff(program: Command): void {
  program
    .command('diff')
    .description('compare two folded profiles: prints "stack BEFORE AFTER" lines (difffolded.pl\'s format) for a differential flame graph')
    .argument('<before>', 'folded stacks of the first profile')
    .argument('<after>', 'folded stacks of the second profile (- reads stdin)')
    .option('-n, --normalize', "scale the first profile's counts to the second's total")
    .option('-s, --strip-hex', 'turn hex numbers (addresses) into 0x... so moved addresses compare equal')
    .action(async (before: string, after: string, o: { normalize?: boolean; stripHex?: boolean }) => {
      if (before === '-' && after === '-') throw usageError('diff reads at most one profile from stdin', 'name a file for the other');
      const a = await readFolded(before, KIND, 1);
      const b = await readFolded(after, KIND, 1);
      const rows = diffFolded(a.entries, b.entries, { normalize: o.normalize === true, stripHex: o.stripHex === true });
      await writeStdout(renderDiff(rows));
    });
}
