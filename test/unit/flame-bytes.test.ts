/**
 * The byte reading of folded stacks (parsers/folded-bytes.ts, src/flame/layout-bytes.ts) against
 * the text one (FoldedParser, layoutFrames): the same lines counted, the same frames, for the
 * corpus' files and the lines that are easy to get wrong (CR endings, trailing ";", empty frames,
 * characters sorting before ";", duplicates, unreadable lines, differential counts, unsorted runs).
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { FoldedParser } from '../../parsers/folded.js';
import { readFoldedBytes } from '../../parsers/folded-bytes.js';
import { parseChunks } from '../../parsers/lines.js';
import { layoutFoldedBytes } from '../../src/flame/layout-bytes.js';
import { layoutFrames } from '../../src/flame/layout.js';
import { CONFORMANCE_DIR, missing } from '../helpers/prereq.js';

const EDGES: Record<string, string> = {
  crlf: 'a;b;c 5\r\na;b 3\r\na;b;d 2\r\n',
  cr: 'a;b;c 5\ra;b 3\r',
  trailing: 'a;b;c; 5\na;b;; 3\na;;b 4\n;a;b 2\n;;; 7\n 5\na;b;c;;; 1\n',
  beforeSemicolon: 'a b;c 5\na;b 3\na!;x 2\na-b;c 1\na.b 9\na;b c 4\na\tb;c 3\na  7\n',
  duplicates: 'c;d 1\na;b 5\na;b 5\nc;d 1\na;b 5\n',
  unreadable: 'garbage line\na;b 5\n\n\nnot;a;count x\na;b;c .5\na;b -3\na;c 7\r\r\nhello\n\r\n',
  differential: 'a;b;c 5 7\na;b 3 1\na;b;d 2 2\nx;y 0 4\na;b;c 1\n',
  numbers: 'a;b 1.5\na;c 2.25\na;b;c 12345678901234567\nz 3.\n',
  runs: 'zz;b 5\naa;c 3\nmm;x 2\naa;b 1\nzz;a 9\naa;c 4\nzz;b 5\n',
  noNewline: 'a;b 5',
};

function both(text: string, minwidth: number | string = 0) {
  const opts = { minwidth, width: 1200, xpad: 10, kernel: true };
  const read = parseChunks(new FoldedParser(), [text]);
  const bytes = readFoldedBytes(Buffer.from(text, 'latin1'))!;
  expect(bytes).not.toBeNull();
  expect([bytes.n, bytes.lines, bytes.unrecognized, bytes.differential]).toEqual([read.entries.length, read.lines, read.unrecognized, read.differential]);
  return { text: layoutFrames(read.entries, { ...opts, reverse: false, flamechart: false }), bytes: layoutFoldedBytes(bytes, opts) };
}

describe('folded stacks read as bytes', () => {
  for (const [name, text] of Object.entries(EDGES)) {
    it(`lays out ${name} lines as the text reading does`, () => {
      const { text: t, bytes: b } = both(text);
      expect(b).toEqual(t);
    });
  }

  it('leaves input that is not ASCII to the text reading', () => {
    expect(readFoldedBytes(Buffer.from('\ufeffa;b 5\n'))).toBeNull();
    expect(readFoldedBytes(Buffer.from('café;b 5\n'))).toBeNull();
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
      const { text: t, bytes: b } = both(text, 0.1);
      expect(b).toEqual(t);
    }
    const all = texts.join('\n').split('\n').reverse().join('\n');
    const { text: t, bytes: b } = both(all, '0.5%');
    expect(b).toEqual(t);
  });
});
