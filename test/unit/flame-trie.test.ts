/**
 * Folded stacks read into a trie (parsers/folded-trie.ts, src/flame/layout-trie.ts) against the
 * text reading (FoldedParser, layoutFrames): the same lines counted, the same frames, for the
 * corpus' files and the lines that are easy to get wrong (CR endings, trailing ";", empty frames,
 * characters sorting before ";", duplicates, unreadable lines, differential counts, unsorted runs,
 * wide nodes, deep and long lines), whole and in random chunks.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { FoldedParser } from '../../parsers/folded.js';
import { FoldedTrieReader } from '../../parsers/folded-trie.js';
import { parseChunks } from '../../parsers/lines.js';
import { layoutFoldedTrie } from '../../src/flame/layout-trie.js';
import { layoutFrames } from '../../src/flame/layout.js';
import { CONFORMANCE_DIR, missing } from '../helpers/prereq.js';

// More nodes and leaves than the reader first makes room for (1024), under one node, in no order.
const many = Array.from({ length: 2500 }, (_, i) => `r;f${(i * 7919) % 2500};g${i % 3} ${1 + (i % 5)}\n`).join('');
const wide = Array.from({ length: 40 }, (_, i) => `root;f${(i * 7) % 40};x ${i + 1}\n`).join('');
const EDGES: Record<string, string> = {
  crlf: 'a;b;c 5\r\na;b 3\r\na;b;d 2\r\n',
  cr: 'a;b;c 5\ra;b 3\r',
  trailing: 'a;b;c; 5\na;b;; 3\na;;b 4\n;a;b 2\n;;; 7\n 5\na;b;c;;; 1\n',
  emptyStacks: ';a;b 2\n;;; 7\n;; 3\n;x 1\n 4\n',
  beforeSemicolon: 'a b;c 5\na;b 3\na!;x 2\na-b;c 1\na.b 9\na;b c 4\na\tb;c 3\na  7\n',
  leafAndInner: 'p;foo 5\np;foo.bar 3\np;foo;x 2\np;foo 7\np;foo 1x 3\np;foo bar 2\n',
  duplicates: 'c;d 1\na;b 5\na;b 5\nc;d 1\na;b 5\n',
  fractionalDuplicates: 'a;b 0.1\na;c 0.2\na;b 0.1\na;b 0.1\nz 0.3\n',
  unreadable: 'garbage line\na;b 5\n\n\nnot;a;count x\na;b;c .5\na;b -3\na;c 7\r\r\nhello\n\r\n',
  differential: 'a;b;c 5 7\na;b 3 1\na;b;d 2 2\nx;y 0 4\na;b;c 1\na;b 3 1\n',
  numbers: 'a;b 1.5\na;c 2.25\na;b;c 12345678901234567\nz 3.\n',
  runs: 'zz;b 5\naa;c 3\nmm;x 2\naa;b 1\nzz;a 9\naa;c 4\nzz;b 5\n',
  wide: wide + wide.split('\n').reverse().join('\n') + '\nroot;f3;y 2\n',
  deep: Array.from({ length: 300 }, (_, i) => `f${i}`).join(';') + ' 3\n' + Array.from({ length: 600 }, (_, i) => `f${i % 290}`).join(';') + ' 2\n',
  long: `a;${'x'.repeat(300_000)};b 4\na;${'x'.repeat(300_000)};c 1\na;y 2\n`,
  noNewline: 'a;b 5',
  many,
};

/** The trie read from the text cut into chunks at the given offsets. */
function trieOf(text: string, cuts: number[] = []) {
  const bytes = Buffer.from(text, 'latin1');
  const reader = new FoldedTrieReader(bytes.length);
  let from = 0;
  for (const cut of [...cuts, bytes.length]) {
    expect(reader.write(bytes.subarray(from, cut))).toBe(true);
    from = cut;
  }
  return reader.end()!;
}

function both(text: string, minwidth: number | string = 0, cuts: number[] = []) {
  const opts = { minwidth, width: 1200, xpad: 10, kernel: true };
  const read = parseChunks(new FoldedParser(), [text]);
  const trie = trieOf(text, cuts);
  expect([trie.entries, trie.lineCount, trie.unrecognized, trie.differential]).toEqual([read.entries.length, read.lines, read.unrecognized, read.differential]);
  return { text: layoutFrames(read.entries, { ...opts, reverse: false, flamechart: false }), trie: layoutFoldedTrie(trie, opts) };
}

/** A seeded generator, so that a failure can be run again. */
function cutsFor(length: number, seed: number, n: number): number[] {
  let s = seed;
  const next = () => ((s = (Math.imul(s, 1103515245) + 12345) >>> 0) % (length + 1));
  return Array.from({ length: n }, next).sort((a, b) => a - b);
}

describe('folded stacks read into a trie', () => {
  for (const [name, text] of Object.entries(EDGES)) {
    it(`lays out ${name} lines as the text reading does, whole and in chunks`, () => {
      const { text: t, trie } = both(text);
      expect(t.frames.length).toBeGreaterThan(0);
      expect(trie).toEqual(t);
      for (let seed = 1; seed <= 5; seed++) expect(both(text, 0, cutsFor(text.length, seed, 6)).trie).toEqual(t);
      for (let cut = 0; cut <= Math.min(text.length, 60); cut++) expect(both(text, 0, [cut]).trie).toEqual(t);
    });
  }

  it('leaves input that is not ASCII to the text reading', () => {
    for (const text of ['\ufeffa;b 5\n', 'a;b 5\ncafé;b 5\n']) {
      const reader = new FoldedTrieReader();
      reader.write(Buffer.from(text));
      expect(reader.end()).toBeNull();
    }
  });

  it.skipIf(missing('flamegraph-conformance'))("lays out the corpus' files, alone and shuffled together, as the text reading does", () => {
    const dir = join(CONFORMANCE_DIR, 'results');
    const texts = readdirSync(dir)
      .filter((f) => f.endsWith('.txt'))
      .sort()
      .map((f) => readFileSync(join(dir, f), 'latin1'))
      .filter((text) => /^[\x00-\x7f]*$/.test(text));
    expect(texts.length).toBeGreaterThan(10);
    for (const text of texts) {
      const { text: t, trie } = both(text, 0.1);
      expect(trie).toEqual(t);
    }
    const all = texts.join('\n').split('\n').reverse().join('\n');
    const { text: t, trie } = both(all, '0.5%', cutsFor(all.length, 7, 40));
    expect(trie).toEqual(t);
  });
});
