/**
 * Syscall name interning for the strace parser: a name in a line is scanned once, hashed two ways
 * as it goes, and looked up by those hashes in an open-addressing table, so that a known name
 * costs no string cut. A name's Stat (its totals) is made on first sight.
 */
import { C_QMARK, isNameChar, own } from './strace-scan.js';
import type { Stat } from './strace-types.js';

/** Distinct syscall names kept (strace knows ~450); garbage names beyond it count as unrecognized. */
export const MAX_NAMES = 4096;

export class SyscallNames {
  private table: Array<Stat | undefined> = new Array<Stat | undefined>(1024);
  /** Every Stat, in first-seen order. */
  readonly list: Stat[] = [];
  /** Hashes of the name scan() last read. */
  private h1 = 0;
  private h2 = 0;

  /** Scans name characters from s; returns where they end and keeps two hashes of them. */
  scan(text: string, s: number, len: number): number {
    let h1 = 0;
    let h2 = -2128831035; // FNV-1a offset basis
    let j = s;
    for (; j < len; j++) {
      const c = text.charCodeAt(j);
      if (!isNameChar(c)) break;
      h1 = (Math.imul(h1, 31) + c) | 0;
      h2 = Math.imul(h2 ^ c, 16777619);
    }
    this.h1 = h1;
    this.h2 = h2;
    return j;
  }

  /**
   * The Stat for the name at text[s, e) just scanned, made on first sight; undefined past
   * MAX_NAMES. Names are told apart by length and two independent 32-bit hashes, not by comparing
   * characters: two names of the same length would have to agree on 64 hash bits.
   */
  stat(text: string, s: number, e: number): Stat | undefined {
    const h = this.h1;
    const h2 = this.h2;
    const table = this.table;
    const mask = table.length - 1;
    const n = e - s;
    for (let k = h & mask; ; k = (k + 1) & mask) {
      const st = table[k];
      if (st === undefined) break;
      if (st.hash === h && st.hash2 === h2 && st.name.length === n) return st;
    }
    if (this.list.length >= MAX_NAMES) return undefined;
    const name = own(text.slice(s, e));
    const counted = name.charCodeAt(0) !== C_QMARK && !name.startsWith('syscall_0x');
    const st: Stat = { name, hash: h, hash2: h2, calls: 0, errors: 0, ns: 0, counted, untimed: 0 };
    this.list.push(st);
    if (this.list.length * 2 > table.length) this.rehash();
    else this.insert(st);
    return st;
  }

  private insert(st: Stat): void {
    const table = this.table;
    const mask = table.length - 1;
    let k = st.hash & mask;
    while (table[k] !== undefined) k = (k + 1) & mask;
    table[k] = st;
  }

  private rehash(): void {
    this.table = new Array<Stat | undefined>(this.table.length * 2);
    for (const st of this.list) this.insert(st);
  }
}
