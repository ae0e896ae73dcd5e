import { describe, expect, it } from 'vitest';
import { LineSplitter } from '../../parsers/lines.js';

function split(chunks: Array<string | Uint8Array>): string[] {
  const s = new LineSplitter();
  const out: string[] = [];
  for (const c of chunks) s.push(c, (l) => out.push(l));
  s.end((l) => out.push(l));
  return out;
}

/** Cuts bytes at random places (seeded) to check that chunking never changes the lines. */
export function randomChunks(buf: Uint8Array, seed: number): Uint8Array[] {
  let x = seed >>> 0 || 1;
  const rnd = () => ((x ^= x << 13), (x ^= x >>> 17), (x ^= x << 5), (x >>> 0) / 2 ** 32);
  const out: Uint8Array[] = [];
  for (let i = 0; i < buf.length; ) {
    const n = 1 + Math.floor(rnd() * 64);
    out.push(buf.subarray(i, i + n));
    i += n;
  }
  return out;
}

describe('LineSplitter', () => {
  const text = 'first line\nsecond ünïcödé ✓ line\n\nlast without newline';
  const expected = ['first line', 'second ünïcödé ✓ line', '', 'last without newline'];
  it('splits a whole string', () => expect(split([text])).toEqual(expected));
  it.each([1, 2, 3, 4, 5, 99])('gives the same lines for byte chunks cut at random (seed %d)', (seed) => {
    expect(split(randomChunks(new TextEncoder().encode(text), seed))).toEqual(expected);
  });
  it('one byte at a time', () => {
    const b = new TextEncoder().encode(text);
    expect(split([...b].map((x) => Uint8Array.of(x)))).toEqual(expected);
  });
  it('turns invalid UTF-8 into replacement characters instead of throwing', () => {
    expect(split([Uint8Array.of(0x61, 0xff, 0xfe, 0x0a, 0x62)])).toEqual(['a\ufffd\ufffd', 'b']);
  });
});
