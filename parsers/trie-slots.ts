/**
 * The children of a folded trie's wide nodes (parsers/folded-trie.ts: more children than a list is
 * worth walking), found by parent and piece in one open-addressing table (node + 1, 0 for a free
 * slot; at most half full).
 */
import { isPiece, pieceOf, type FoldedTrie } from './folded-trie-shape.js';

export class ChildSlots {
  private slots = new Int32Array(1 << 10);
  private used = 0;

  /** The child of `parent` with this piece (a leaf or not), or -1. */
  find(t: FoldedTrie, parent: number, piece: number, leaf: boolean): number {
    const mask = this.slots.length - 1;
    for (let i = slotOf(parent, piece, leaf) & mask; this.slots[i] !== 0; i = (i + 1) & mask) {
      const n = this.slots[i]! - 1;
      if (t.parent[n] === parent && isPiece(t, n, piece, leaf)) return n;
    }
    return -1;
  }

  add(t: FoldedTrie, n: number): void {
    if (++this.used * 2 > this.slots.length) {
      const old = this.slots;
      this.slots = new Int32Array(old.length * 4);
      for (const s of old) if (s !== 0) this.place(t, s - 1);
    }
    this.place(t, n);
  }

  private place(t: FoldedTrie, n: number): void {
    const mask = this.slots.length - 1;
    let i = slotOf(t.parent[n]!, pieceOf(t, n), t.key[n]! < 0) & mask;
    while (this.slots[i] !== 0) i = (i + 1) & mask;
    this.slots[i] = n + 1;
  }
}

function slotOf(parent: number, piece: number, leaf: boolean): number {
  const h = Math.imul(parent, 0x9e3779b1) ^ Math.imul(piece * 2 + (leaf ? 1 : 0), 0x85ebca77);
  return (h ^ (h >>> 15)) >>> 0;
}
