/**
 * The plain command-line reading (src/commands/plain-args.ts) against commander's, for
 * `ctrscope flamegraph`: where it reads a command line, it reads what commander reads; anything
 * else it leaves to commander (null).
 */
import { Command } from 'commander';
import { describe, expect, it } from 'vitest';
import { FLAMEGRAPH_OPTIONS, registerFlamegraph } from '../../src/commands/flamegraph.js';
import { parsePlain } from '../../src/commands/plain-args.js';

/** What commander hands the flamegraph action for these arguments. */
function commanderReads(argv: string[]): { file: string; flags: Record<string, unknown> } {
  const program = new Command('ctrscope').exitOverride();
  registerFlamegraph(program);
  let got: { file: string; flags: Record<string, unknown> } | undefined;
  program.commands[0]!.exitOverride().action((file: string, flags: Record<string, unknown>) => {
    got = { file, flags: { ...flags } };
  });
  program.parse(['flamegraph', ...argv], { from: 'user' });
  return got!;
}

const PLAIN: string[][] = [
  [],
  ['x.folded', '-o', 'out.svg'],
  ['-o', 'out.svg', 'x.folded', '--hash', '--title', 'a title', '-f'],
  ['-', '--minwidth', '0.5%', '--colors', 'containerd', '--reverse', '--inverted', '--flamechart', '--negate'],
  ['--countname', 'ns', '--nametype', 'Fn:', '--width', '800', '--height', '12', '--fontsize', '10', '--subtitle', 's', '--force', '--output', 'o.svg'],
  ['--title', 'first', '--title', 'second', 'in.folded'],
];

const FOR_COMMANDER: string[][] = [['--help'], ['-h'], ['--title=x'], ['-fo', 'x.svg'], ['a', 'b'], ['--title', '-x'], ['--', 'a'], ['--unknown'], ['-o'], ['-V']];

describe('plain command lines', () => {
  for (const argv of PLAIN) {
    it(`reads "${argv.join(' ')}" as commander does`, () => {
      const plain = parsePlain(FLAMEGRAPH_OPTIONS, argv, 1);
      expect(plain).not.toBeNull();
      expect({ file: plain!.args[0] ?? '-', flags: plain!.flags }).toEqual(commanderReads(argv));
    });
  }

  for (const argv of FOR_COMMANDER) {
    it(`leaves "${argv.join(' ')}" to commander`, () => {
      expect(parsePlain(FLAMEGRAPH_OPTIONS, argv, 1)).toBeNull();
    });
  }
});
