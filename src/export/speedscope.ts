/**
 * speedscope's file format (a "sampled" profile: each stack once, root first, with its value as
 * weight), as its spec (src/lib/file-format-spec.ts in jlfwong/speedscope) and the JSON schema
 * it publishes (file-format-schema.json) define it. Written by hand: JSON needs no library.
 */
import type { StackProfile } from './types.js';
import { VERSION } from '../version.js';

/** speedscope's units; anything else (sample counts) shows as plain numbers. */
const UNITS = new Set(['nanoseconds', 'microseconds', 'milliseconds', 'seconds', 'bytes']);

export function speedscopeJson(p: StackProfile): Record<string, unknown> {
  const frames: Array<{ name: string }> = [];
  const index = new Map<string, number>();
  const samples: number[][] = [];
  const weights: number[] = [];
  let total = 0;
  for (const [stack, v] of p.stacks) {
    if (v === 0) continue;
    samples.push(
      stack.split(';').map((f) => {
        let i = index.get(f);
        if (i === undefined) {
          i = frames.length;
          index.set(f, i);
          frames.push({ name: f });
        }
        return i;
      }),
    );
    weights.push(v);
    total += v;
  }
  return {
    $schema: 'https://www.speedscope.app/file-format-schema.json',
    shared: { frames },
    profiles: [{ type: 'sampled', name: `${p.name} (${p.value.type})`, unit: UNITS.has(p.value.unit) ? p.value.unit : 'none', startValue: 0, endValue: total, samples, weights }],
    name: p.name,
    activeProfileIndex: 0,
    exporter: `ctrscope@${VERSION}`,
  };
}

export const speedscopeBytes = (p: StackProfile): Uint8Array => Buffer.from(JSON.stringify(speedscopeJson(p)) + '\n');
