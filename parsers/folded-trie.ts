/**
 * Folded stacks read chunk by chunk into a trie of their ';'-separated pieces, for `ctrscope
 * flamegraph` on large files: the input's bytes are never held whole (a 45 MB file read into one
 * fresh buffer cost more in page faults than the rest of the drawing), only the pieces a line does
 * not share with the line before it are looked at twice, and identical lines become one leaf with
 * a multiplicity.
 *
 *   copy1;containerd;runtime.goexit.abi0;runtime.mcall 12
 *   copy1;containerd;runtime.goexit.abi0;runtime.mstart;runtime.schedule 3
 *
 * are root → "copy1" → "containerd" → "runtime.goexit.abi0" → {"runtime.mcall 12" (a leaf),
 * "runtime.mstart" → "runtime.schedule 3" (a leaf)}. A leaf is a line's last piece, its counts
 * included: flamegraph.pl sorts whole lines as strings, so a leaf sorts by its count's text too.
 * Walked with each node's children in comparePieces order, the leaves are the lines sorted
 * (src/flame/layout-trie.ts lays the graph out so).
 *
 * The lines are read as FoldedParser reads them (one trailing "\r" dropped, the same count rules,
 * the same lines counted unrecognized). ASCII input only (a byte is then a character, and byte
 * order is code-unit order); `write` says false at the first chunk that is not, and the reading is
 * to be done again as text.
 */
import { isAscii } from 'node:buffer';
import { countStart } from './folded.js';
import { countAt, sharedPrefix } from './ascii-bytes.js';
import { comparePieces, isPiece, type FoldedTrie } from './folded-trie-shape.js';
import { ChildSlots } from './trie-slots.js';
import { FNV_START, fnvStep, grown, hashBytes, NameTable } from './name-table.js';

/** A node with more children than this finds them in a hash table, not along its list. */
const WIDE = 16;

/** Builds a FoldedTrie from chunks of a folded file, whatever their boundaries. */
export class FoldedTrieReader {
  private buf = Buffer.allocUnsafe(1 << 18);
  private view = new DataView(this.buf.buffer, this.buf.byteOffset, this.buf.byteLength);
  /** Bytes held; where the next line starts; the last recognised line (start, key length, pieces) while it is still needed. */
  private len = 0;
  private pos = 0;
  private prevStart = -1;
  private prevKeyLen = 0;
  private prevDepth = 0;
  /** The last recognised line's pieces: path[d] is the node of piece d, ends[d] where piece d ends (its ";"), from the line's start. */
  private path = new Int32Array(256);
  private ends = new Int32Array(256);
  private ascii = true;
  private readonly t: FoldedTrie;
  /** Nodes with more than WIDE children: 1. Their children are found in `slots`. */
  private wide: Uint8Array;
  private readonly slots = new ChildSlots();

  /**
   * sizeHint: the input's size in bytes, if known. The arrays are made large enough at once for a
   * node per 160 bytes and a line per 512 (the 45 MB test file has one per 244 and 850): copying
   * arrays as they grow touches twice the pages, and pages never touched cost nothing. Not larger:
   * V8 counts it all as external memory, and 25 MB of it started a full GC.
   */
  constructor(sizeHint = 0) {
    const nodes = Math.max(1024, Math.ceil(sizeHint / 160));
    const leaves = Math.max(1024, Math.ceil(sizeHint / 512));
    this.wide = new Uint8Array(nodes);
    this.t = {
      nodes: 1,
      leaves: 0,
      parent: new Int32Array(nodes).fill(-1, 0, 1),
      key: new Int32Array(nodes),
      lastChild: new Int32Array(nodes).fill(-1, 0, 1),
      nextSibling: new Int32Array(nodes),
      unordered: new Uint8Array(nodes),
      leafPiece: new Int32Array(leaves),
      leafDepth: new Int32Array(leaves),
      count: new Float64Array(leaves),
      count2: new Float64Array(leaves),
      lines: new Int32Array(leaves),
      frames: new Int32Array(leaves),
      lastName: new Int32Array(leaves),
      names: new NameTable(),
      entries: 0,
      lineCount: 0,
      unrecognized: 0,
      differential: false,
    };
  }

  /** Reads the chunk's complete lines; false (and nothing more read) once the input is not ASCII. */
  write(chunk: Uint8Array): boolean {
    if (!this.ascii) return false;
    this.room(chunk.length);
    this.buf.set(chunk, this.len);
    return this.filled(chunk.length);
  }

  /**
   * write() without the copy: read(into) fills `into` (up to its length) and says how many bytes
   * it put there (0 at the end). Returns what read() said, or -1 once the input is not ASCII.
   */
  writeFrom(read: (into: Uint8Array) => number, size = 1 << 18): number {
    if (!this.ascii) return -1;
    this.room(size);
    const n = read(this.buf.subarray(this.len, this.len + size));
    if (n > 0 && !this.filled(n)) return -1;
    return n;
  }

  /** The trie, after the last chunk (a last line without "\n" read too); null if the input was not ASCII. */
  end(): FoldedTrie | null {
    if (!this.ascii) return null;
    if (this.pos < this.len) {
      const s = this.pos;
      const nl = this.len;
      this.pos = nl;
      this.line(s, nl > s && this.buf[nl - 1] === 13 ? nl - 1 : nl);
    }
    return this.t;
  }

  /** The n bytes just put after the held ones: their complete lines read. */
  private filled(n: number): boolean {
    const b = this.buf;
    if (!isAscii(b.subarray(this.len, this.len + n))) return (this.ascii = false);
    this.len += n;
    for (;;) {
      const nl = b.indexOf(10, this.pos);
      if (nl === -1 || nl >= this.len) break;
      const s = this.pos;
      this.pos = nl + 1;
      this.line(s, nl > s && b[nl - 1] === 13 ? nl - 1 : nl);
    }
    return true;
  }

  /** Room for n more bytes: what is still needed (the last recognised line, the partial one) moved to the front, the buffer grown if that is not enough. */
  private room(n: number): void {
    if (this.len + n <= this.buf.length) return;
    const keep = this.prevStart >= 0 && this.prevStart < this.pos ? this.prevStart : this.pos;
    const held = this.len - keep;
    let target = this.buf;
    if (held + n > this.buf.length) target = Buffer.allocUnsafe(Math.max(this.buf.length * 2, held + n));
    this.buf.copy(target, 0, keep, this.len);
    if (target !== this.buf) {
      this.buf = target;
      this.view = new DataView(target.buffer, target.byteOffset, target.byteLength);
    }
    this.len = held;
    this.pos -= keep;
    if (this.prevStart >= 0) this.prevStart -= keep;
  }

  /** One line, b[s, k) without its "\n" and one trailing "\r". */
  private line(s: number, k: number): void {
    if (k === s) return;
    const t = this.t;
    const b = this.buf;
    t.lineCount++;
    const a = countStart(b, s, k);
    if (a < 0) {
      t.unrecognized++;
      return;
    }
    t.entries++;
    const keyLen = k - s;
    // A piece a byte at least, ";" after each but the last: at most keyLen + 1 of them, the root before.
    if (this.path.length < keyLen + 2) {
      this.path = grown(this.path, Math.max(this.path.length * 2, keyLen + 2));
      this.ends = grown(this.ends, this.path.length);
    }
    const path = this.path;
    // The pieces this line shares with the last one: those ending (";" included) in their shared
    // bytes. If it sorts after that line, and so did every line through the piece it leaves it at,
    // its next piece is new there: no looking for it.
    let j = 0;
    let after = false;
    if (this.prevStart >= 0) {
      const pl = this.prevKeyLen;
      const x = this.prevStart;
      const m = sharedPrefix(b, this.view, x, s, pl < keyLen ? pl : keyLen);
      if (m === keyLen && m === pl) {
        t.lines[~t.key[path[this.prevDepth]!]!]!++;
        this.prevStart = s;
        return;
      }
      j = this.prevDepth - 1;
      while (j > 0 && this.ends[j]! >= m) j--;
      after = (m < pl && m < keyLen ? b[s + m]! > b[x + m]! : keyLen > pl) && t.lastChild[path[j]!] === path[j + 1] && t.unordered[path[j]!] === 0;
    }
    let node = path[j]!;
    let d = j;
    let pos = j === 0 ? 0 : this.ends[j]! + 1;
    let made = false;
    for (;;) {
      // The next piece: up to a ";" or the line's end, hashed on the way.
      let h = FNV_START;
      let i = s + pos;
      while (i < k && b[i] !== 59) h = fnvStep(h, b[i++]!);
      const last = i === k;
      const piece = t.names.intern(b, s + pos, i, h);
      // Below a node made for this line, every node is new: none has children yet to look through.
      if (made || (d === j && after)) {
        node = this.add(node, piece, last, d + 1);
        made = true;
      } else {
        const nodes = t.nodes;
        node = this.child(node, piece, last, d + 1);
        made = t.nodes > nodes;
      }
      d++;
      path[d] = node;
      if (last) break;
      this.ends[d] = i - s;
      pos = i - s + 1;
    }
    this.prevStart = s;
    this.prevKeyLen = keyLen;
    this.prevDepth = d;
    const leaf = ~t.key[node]!;
    if (t.lines[leaf]! > 0) {
      t.lines[leaf]!++;
      return;
    }
    t.lines[leaf] = 1;
    const c = countStart(b, s, a - 1);
    let stackEnd: number;
    if (c < 0) {
      t.count[leaf] = countAt(b, a, k);
      t.count2[leaf] = NaN;
      stackEnd = a - 1;
    } else {
      t.differential = true;
      t.count[leaf] = countAt(b, c, a - 1);
      t.count2[leaf] = countAt(b, a, k);
      stackEnd = c - 1;
    }
    // The stack's frames: up to the counts, trailing ";" dropped (Perl's split drops trailing empty frames).
    while (stackEnd > s && b[stackEnd - 1] === 59) stackEnd--;
    const stackLen = stackEnd - s;
    let f = 0;
    if (stackLen > 0) {
      f = d - 1;
      while (f > 0 && this.ends[f]! >= stackLen) f--;
      f++;
    }
    t.frames[leaf] = f;
    if (f === d) {
      const from = s + (d === 1 ? 0 : this.ends[d - 1]! + 1);
      t.lastName[leaf] = t.names.intern(b, from, stackEnd, hashBytes(b, from, stackEnd));
    } else t.lastName[leaf] = -1;
  }

  /** The child of `parent` with this piece (a leaf or not), made if there is none. */
  private child(parent: number, piece: number, leaf: boolean, depth: number): number {
    const t = this.t;
    const last = t.lastChild[parent]!;
    if (last === -1) return this.add(parent, piece, leaf, depth);
    if (this.wide[parent]) {
      const n = this.slots.find(t, parent, piece, leaf);
      if (n >= 0) return n;
    } else {
      let kids = 0;
      for (let n = t.nextSibling[last]!; ; n = t.nextSibling[n]!) {
        kids++;
        if (this.is(n, piece, leaf)) return n;
        if (n === last) break;
      }
      if (kids >= WIDE) {
        this.wide[parent] = 1;
        for (let n = t.nextSibling[last]!; ; n = t.nextSibling[n]!) {
          this.slots.add(t, n);
          if (n === last) break;
        }
      }
    }
    const n = this.add(parent, piece, leaf, depth);
    if (comparePieces(t, last, n) > 0) t.unordered[parent] = 1;
    return n;
  }

  private is(n: number, piece: number, leaf: boolean): boolean {
    return isPiece(this.t, n, piece, leaf);
  }

  /** A new child of `parent`, last in its list. */
  private add(parent: number, piece: number, leaf: boolean, depth: number): number {
    const t = this.t;
    const n = t.nodes++;
    if (n === t.parent.length) {
      growFields(t, ['parent', 'key', 'lastChild', 'nextSibling', 'unordered'], n * 2);
      this.wide = grown(this.wide, n * 2);
    }
    t.parent[n] = parent;
    t.lastChild[n] = -1;
    const last = t.lastChild[parent]!;
    if (last === -1) t.nextSibling[n] = n;
    else {
      t.nextSibling[n] = t.nextSibling[last]!;
      t.nextSibling[last] = n;
    }
    t.lastChild[parent] = n;
    if (leaf) {
      const l = t.leaves++;
      if (l === t.leafPiece.length) growFields(t, ['leafPiece', 'leafDepth', 'count', 'count2', 'lines', 'frames', 'lastName'], l * 2);
      t.key[n] = ~l;
      t.leafPiece[l] = piece;
      t.leafDepth[l] = depth;
    } else t.key[n] = piece;
    if (this.wide[parent]) this.slots.add(t, n);
    return n;
  }
}

/** The named arrays of `o` replaced by copies with room for cap elements. */
function growFields<K extends string>(o: { [k in K]: Int32Array | Float64Array | Uint8Array }, keys: readonly K[], cap: number): void {
  for (const k of keys) o[k] = grown(o[k], cap);
}
