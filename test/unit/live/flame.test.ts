/** The flame model on real containerd stacks: every sample is counted once at each depth. */
import { describe, expect, it } from 'vitest';
import { buildFlame, moveFlame, nodeAt, type FlameNode } from '../../../src/ui/flame.js';
import { fixtureStacks } from '../../helpers/stacks-fixture.js';

describe('flame model', () => {
  const stacks = fixtureStacks();
  const root = buildFlame(stacks.folded);

  it('sums samples: the root holds them all, a frame at least its children', () => {
    expect(root.value).toBe(stacks.samples);
    const check = (n: FlameNode) => {
      expect(n.children.reduce((a, c) => a + c.value, 0)).toBeLessThanOrEqual(n.value);
      n.children.forEach(check);
    };
    check(root);
  });

  it('finds a node by path, or the deepest that still exists', () => {
    const first = stacks.folded[0]![0].split(';');
    expect(nodeAt(root, first).path).toEqual(first);
    expect(nodeAt(root, [...first.slice(0, 2), 'no-such-frame']).path).toEqual(first.slice(0, 2));
  });

  it('moves among siblings without leaving the row', () => {
    const last = root.children.length - 1;
    expect(moveFlame(root, [root.children[last]!.name], 'right')).toEqual([root.children[last]!.name]);
    expect(moveFlame(root, [root.children[0]!.name], 'left')).toEqual([root.children[0]!.name]);
    expect(moveFlame(root, [], 'up')).toEqual([]);
  });

  it('ignores empty frames and non-positive counts (hand-written edge cases)', () => {
    const t = buildFlame([['a;;b', 2], ['a;c', 0], ['a;c', -1]]);
    expect(t.value).toBe(2);
    expect(t.children[0]!.children.map((c) => c.name)).toEqual(['b']);
  });
});
