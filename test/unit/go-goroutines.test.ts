import { describe, expect, it } from 'vitest';
import { GoroutineProfileParser } from '../../parsers/go-goroutines.js';
import { parseChunks } from '../../parsers/lines.js';
import { goroutineGrowth, leakHint, topGroups } from '../../src/aggregate/goroutines.js';
import { cutRandomly, fixtureBytes } from '../helpers/chunks.js';

const FIX = new URL('../../fixtures/containerd/goroutine-debug1.txt', import.meta.url).pathname;
const bytes = fixtureBytes(FIX);
const parse = (chunks: Iterable<string | Uint8Array>) => parseChunks(new GoroutineProfileParser(), chunks);

describe('goroutine profile (debug=1) from containerd', () => {
  const whole = parse([bytes]);

  it('the groups add up to the total Go printed in the header', () => {
    expect(whole.total).toBeGreaterThan(10);
    expect(whole.groups.reduce((a, g) => a + g.count, 0)).toBe(whole.total);
    expect(whole.unrecognized).toBe(0);
  });

  it('reads every frame line of the capture', () => {
    const frameLines = bytes.toString('utf8').split('\n').filter((l) => /^#\t0x/.test(l)).length;
    // Merged groups keep one copy of their frames; the count per merged group is known only from the text.
    const text = bytes.toString('utf8');
    const groupHeads = text.split('\n').filter((l) => /^\d+ @/.test(l)).length;
    expect(groupHeads).toBeGreaterThanOrEqual(whole.groups.length);
    expect(whole.groups.flatMap((g) => g.frames).length).toBeLessThanOrEqual(frameLines);
    expect(whole.groups.every((g) => g.frames.length > 0)).toBe(true);
  });

  it('gives the same result whatever the chunk boundaries', () => {
    for (const seed of [1, 7, 42]) expect(parse(cutRandomly(bytes, seed, 64))).toEqual(whole);
  });

  it('labels groups with a containerd frame when the stack has one', () => {
    const views = topGroups(whole, 50);
    expect(views.some((v) => v.site.includes('ttrpc') || v.site.includes('services/') || v.site.includes('cri/'))).toBe(true);
  });
});

// Hand-written edge cases (no capture shows them): labels, CRLF, garbage, a profile cut short.
describe('goroutine parser edge cases', () => {
  it('skips a labels line, strips CR and counts what it does not know', () => {
    const p = parse([
      'goroutine profile: total 3\r\n',
      '2 @ 0x1 0x2\n',
      '# labels: {"a":"b"}\n',
      '#\t0x1\tmain.f+0x1\t/x/main.go:3\n',
      '\n',
      'not a profile line\n',
      '1 @ 0x3\n',
      '#\t0x3\tmain.g+0x2\t\t/x/main.go:9',
    ]);
    expect(p.total).toBe(3);
    expect(p.groups.map((g) => [g.count, g.frames[0]?.func])).toEqual([
      [2, 'main.f'],
      [1, 'main.g'],
    ]);
    expect(p.unrecognized).toBe(1);
  });

  it('growth compares stacks, and a leak needs a rise that stays', () => {
    const a = parse(['goroutine profile: total 1\n1 @ 0x1\n#\t0x1\tmain.f+0x1\tmain.go:1\n']);
    const b = parse(['goroutine profile: total 5\n5 @ 0x1\n#\t0x1\tmain.f+0x1\tmain.go:1\n']);
    expect(goroutineGrowth(a, b)).toMatchObject([{ start: 1, end: 5, delta: 4 }]);
    expect(leakHint([20, 25, 31, 35]).rising).toBe(true);
    expect(leakHint([20, 60, 21, 20]).rising).toBe(false);
  });
});
