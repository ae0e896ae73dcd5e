/** Fixture bytes and the ways tests cut them, to check that chunk boundaries never change a result. */
import { readFileSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';

/** A fixture's bytes; `.gz` files are inflated. */
export function fixtureBytes(path: string): Buffer {
  const raw = readFileSync(path);
  return path.endsWith('.gz') ? gunzipSync(raw) : raw;
}

/** Seeded random cuts, 1..max bytes each (also through the middle of UTF-8 characters). */
export function cutRandomly(buf: Uint8Array, seed: number, max = 4096): Uint8Array[] {
  let x = seed >>> 0 || 1;
  const rnd = () => ((x ^= x << 13), (x ^= x >>> 17), (x ^= x << 5), (x >>> 0) / 2 ** 32);
  const out: Uint8Array[] = [];
  for (let i = 0; i < buf.length; ) {
    const n = 1 + Math.floor(rnd() * max);
    out.push(buf.subarray(i, i + n));
    i += n;
  }
  return out;
}

/** Cuts every `n` bytes. */
export function cutEvery(buf: Uint8Array, n: number): Uint8Array[] {
  const out: Uint8Array[] = [];
  for (let i = 0; i < buf.length; i += n) out.push(buf.subarray(i, i + n));
  return out;
}
