/**
 * Reading folded stacks back (parsers/folded.ts FoldedParser): the corpus' files and ctrscope's own
 * fixture read the same whatever the chunk boundaries; one- and two-count lines; the lines
 * flamegraph.pl would not read are counted, never thrown on.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { FoldedParser } from '../../parsers/folded.js';
import { parseChunks } from '../../parsers/lines.js';
import { cutEvery, cutRandomly } from '../helpers/chunks.js';
import { REPO } from '../helpers/cli.js';
import { CONFORMANCE_DIR, missing } from '../helpers/prereq.js';

const OWN = join(REPO, 'fixtures/perf-script/containerd-cpu-collapsed-default.txt');
const skipCorpus = missing('flamegraph-conformance');

const readAll = (chunks: Array<string | Uint8Array>, counts: 1 | 2 = 2) => parseChunks(new FoldedParser(counts), chunks);

describe('FoldedParser', () => {
  it("reads ctrscope's own folded output: every line, counts summing to the samples", () => {
    const bytes = readFileSync(OWN);
    const lines = bytes.toString('utf8').split('\n').filter((l) => l !== '');
    const r = readAll([bytes]);
    expect(r.unrecognized).toBe(0);
    expect(r.lines).toBe(lines.length);
    expect(r.entries.map((e) => `${e.stack} ${e.count}`)).toEqual(lines);
    expect(r.differential).toBe(false);
  });

  it.skipIf(skipCorpus)('reads the same whatever the chunk boundaries (the corpus, cut at random and every 7 bytes)', () => {
    const files = skipCorpus ? [] : readdirSync(join(CONFORMANCE_DIR, 'results')).filter((f) => f.endsWith('-collapsed-default.txt'));
    expect(files.length).toBeGreaterThan(5);
    for (const f of files) {
      const bytes = readFileSync(join(CONFORMANCE_DIR, 'results', f));
      const whole = readAll([bytes]);
      expect(whole.entries.length, f).toBeGreaterThan(0);
      expect(readAll(cutRandomly(bytes, f.length * 7919, 300)), f).toEqual(whole);
      expect(readAll(cutEvery(bytes, 7)), f).toEqual(whole);
    }
  });

  it('two counts: before and after; one-count mode keeps the first in the stack', () => {
    // Hand-written edge cases.
    const r = readAll(['a;b 3 5\na;c 2.5 0\n']);
    expect(r.differential).toBe(true);
    expect(r.entries.map((e) => [e.stack, e.count, e.count2])).toEqual([
      ['a;b', 3, 5],
      ['a;c', 2.5, 0],
    ]);
    expect(readAll(['a;b 3 5\n'], 1).entries.map((e) => [e.stack, e.count, e.count2])).toEqual([['a;b 3', 5, undefined]]);
  });

  it("counts the lines that are not folded stacks, and keeps flamegraph.pl's reading of odd ones", () => {
    // Hand-written edge cases: no count, a negative or dotted count, CRLF, spaces in names.
    const r = readAll(['no count here\na;b -3\na;b .5\n\na;b 1.2.3\r\nx;y 4\r\noopDesc* f<false>;g  7\n;lone 1']);
    expect(r.lines).toBe(7);
    expect(r.unrecognized).toBe(4);
    expect(r.entries.map((e) => [e.stack, e.count])).toEqual([
      ['x;y', 4],
      ['oopDesc* f<false>;g ', 7],
      [';lone', 1],
    ]);
  });
});
