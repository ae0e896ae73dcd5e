/**
 * The flame view's model: folded stacks ("a;b;c" → samples) as a tree, a selected node named by
 * its path of frames (stable while new samples arrive), and zooming into a node.
 */
export interface FlameNode {
  name: string;
  value: number;
  children: FlameNode[];
}

const cache = new WeakMap<object, FlameNode>();

/** Builds the tree; children hottest first, then by name. Memoized on the (immutable) input array. */
export function buildFlame(folded: Array<[string, number]>): FlameNode {
  const hit = cache.get(folded);
  if (hit) return hit;
  const root: FlameNode = { name: 'all', value: 0, children: [] };
  const index = new Map<FlameNode, Map<string, FlameNode>>();
  for (const [stack, n] of folded) {
    if (!(n > 0)) continue;
    root.value += n;
    let node = root;
    for (const frame of stack.split(';')) {
      if (!frame) continue;
      let kids = index.get(node);
      if (!kids) index.set(node, (kids = new Map()));
      let next = kids.get(frame);
      if (!next) {
        next = { name: frame, value: 0, children: [] };
        kids.set(frame, next);
        node.children.push(next);
      }
      next.value += n;
      node = next;
    }
  }
  const sort = (n: FlameNode) => {
    n.children.sort((a, b) => b.value - a.value || (a.name < b.name ? -1 : 1));
    n.children.forEach(sort);
  };
  sort(root);
  cache.set(folded, root);
  return root;
}

/** The node at a path of frame names, or the deepest one that still exists (and its real path). */
export function nodeAt(root: FlameNode, path: string[]): { node: FlameNode; path: string[] } {
  let node = root;
  const real: string[] = [];
  for (const name of path) {
    const next = node.children.find((c) => c.name === name);
    if (!next) break;
    node = next;
    real.push(name);
  }
  return { node, path: real };
}

export type FlameMove = 'up' | 'down' | 'left' | 'right';

/** Moves the selection: up to the caller, down to the hottest callee, left/right among siblings. */
export function moveFlame(root: FlameNode, path: string[], move: FlameMove): string[] {
  const { node, path: p } = nodeAt(root, path);
  switch (move) {
    case 'up':
      return p.slice(0, -1);
    case 'down':
      return node.children[0] ? [...p, node.children[0].name] : p;
    case 'left':
    case 'right': {
      if (p.length === 0) return p;
      const parent = nodeAt(root, p.slice(0, -1)).node;
      const i = parent.children.findIndex((c) => c.name === p[p.length - 1]);
      const j = Math.max(0, Math.min(parent.children.length - 1, i + (move === 'left' ? -1 : 1)));
      return [...p.slice(0, -1), parent.children[j]!.name];
    }
  }
}

