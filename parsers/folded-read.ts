/**
 * Reads folded stacks ("root;caller;leaf 12" lines, as flamegraph.pl takes them) back into
 * stack → value. Pure; never throws: a line without a final number is counted, not read.
 */

export interface FoldedRead {
  stacks: Map<string, number>;
  lines: number;
  unrecognized: number;
}

const NUMBER = /^-?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][-+]?\d+)?$/;

export function readFolded(text: string): FoldedRead {
  const stacks = new Map<string, number>();
  let lines = 0;
  let unrecognized = 0;
  for (const raw of text.split('\n')) {
    const line = raw.endsWith('\r') ? raw.slice(0, -1) : raw;
    if (line.length === 0) continue;
    lines++;
    const sp = line.lastIndexOf(' ');
    const count = sp > 0 ? line.slice(sp + 1) : '';
    if (!NUMBER.test(count)) {
      unrecognized++;
      continue;
    }
    const stack = line.slice(0, sp);
    stacks.set(stack, (stacks.get(stack) ?? 0) + Number(count));
  }
  return { stacks, lines, unrecognized };
}
