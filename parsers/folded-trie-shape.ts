/**
 * The shape of a folded file's trie (parsers/folded-trie.ts builds it) and the order of a node's
 * children: the order of the lines through them.
 */
import type { NameTable } from './name-table.js';

/**
 * The trie of a folded file's recognised lines, as arrays (node 0 is the root). A node's `key` is
 * its piece's id in `names` for an inner node (0 for the root), ~leaf (negative) for a leaf, whose
 * arrays say the rest. A node's children are a circular list: lastChild[p] (-1: none), then
 * nextSibling round from there; in the order they were made, which is their order unless
 * unordered[p] is 1.
 */
export interface FoldedTrie {
  /** How many nodes (the root included), and how many of them are leaves. */
  nodes: number;
  leaves: number;
  parent: Int32Array;
  key: Int32Array;
  lastChild: Int32Array;
  nextSibling: Int32Array;
  unordered: Uint8Array;
  /** Leaves: the piece (counts included), its depth (the root's children are depth 1). */
  leafPiece: Int32Array;
  leafDepth: Int32Array;
  /** Leaves: the line's count, its second count (NaN for a one-count line), how many lines are this one. */
  count: Float64Array;
  count2: Float64Array;
  lines: Int32Array;
  /** Leaves: the frames the line's stack has (trailing empty ones dropped), and the last one's name id when it is the leaf piece's name (else -1: it is an inner node's). */
  frames: Int32Array;
  lastName: Int32Array;
  names: NameTable;
  /** Recognised lines (entries), non-empty lines, and those that are not "stack COUNT" or "stack COUNT COUNT". */
  entries: number;
  lineCount: number;
  unrecognized: number;
  differential: boolean;
}

/** A node's piece (its name id; a leaf's counts included). */
export const pieceOf = (t: FoldedTrie, node: number): number => (t.key[node]! >= 0 ? t.key[node]! : t.leafPiece[~t.key[node]!]!);

/** Whether node n is this piece, a leaf or not. */
export function isPiece(t: FoldedTrie, n: number, piece: number, leaf: boolean): boolean {
  const key = t.key[n]!;
  return leaf ? key < 0 && t.leafPiece[~key] === piece : key === piece;
}

/**
 * Two children of one node in the order of the lines through them: their pieces as strings, each
 * followed by ";" (an inner node) or by nothing (a leaf: its line ends there).
 */
export function comparePieces(t: FoldedTrie, x: number, y: number): number {
  const { names } = t;
  const b = names.bytes;
  const px = pieceOf(t, x);
  const py = pieceOf(t, y);
  const sx = names.start[px]!;
  const sy = names.start[py]!;
  const lx = names.length[px]!;
  const ly = names.length[py]!;
  const n = lx < ly ? lx : ly;
  for (let i = 0; i < n; i++) {
    const d = b[sx + i]! - b[sy + i]!;
    if (d !== 0) return d;
  }
  // One is a prefix of the other (a piece never holds ";"), or they are equal (then the leaf first).
  const ax = lx > n ? b[sx + n]! : t.key[x]! < 0 ? -1 : 59;
  const ay = ly > n ? b[sy + n]! : t.key[y]! < 0 ? -1 : 59;
  return ax - ay;
}
