/**
 * The layout agrees with flamegraph.pl's: for the corpus' folded files (shared/conformance/flamegraph)
 * and each option set, every frame flamegraph.pl drew (shared/conformance/flamegraph-svg/*.tsv:
 * y x width height fill title) is drawn by ctrscope at the same place, with the same title, and
 * (differential inputs, where the colour follows from the counts) the same fill. x and width may
 * differ by one in the last digit (rounding); nothing else may differ, and no frame may be extra.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { FoldedParser } from '../../parsers/folded.js';
import { parseChunks } from '../../parsers/lines.js';
import { drawFrames } from '../../src/flame/render.js';
import { flameOptionsSchema } from '../../src/flame/options.js';
import { CONFORMANCE_DIR, SVG_CONFORMANCE_DIR, missing } from '../helpers/prereq.js';

const skip = missing('flamegraph-svg-conformance', 'flamegraph-conformance');

const VARIANTS: Record<string, Record<string, unknown>> = {
  default: {},
  reverse: { reverse: true },
  inverted: { inverted: true },
  'w800-min2-h12': { width: 800, minwidth: 2, height: 12 },
  'min0.5pct': { minwidth: '0.5%' },
  flamechart: { flamechart: true },
  negate: { negate: true },
};

interface Row {
  y: number;
  x: number;
  width: number;
  height: string;
  fill: string;
  title: string;
}

const rowOrder = (a: Row, b: Row) => a.y - b.y || a.x - b.x || (a.title < b.title ? -1 : a.title > b.title ? 1 : 0);

function readTsv(path: string): Row[] {
  const [, ...lines] = readFileSync(path, 'utf8').split('\n').filter((l) => l !== '');
  return lines.map((l) => {
    const [y, x, width, height, fill, ...title] = l.split('\t');
    return { y: Number(y), x: Number(x), width: Number(width), height: height!, fill: fill!, title: title.join('\t') };
  });
}

const cases = skip
  ? []
  : readdirSync(SVG_CONFORMANCE_DIR)
      .filter((f) => f.endsWith('.tsv'))
      .map((f) => {
        const m = /^([^.]+)\.(.+)\.tsv$/.exec(f)!;
        return { file: f, name: m[1]!, variant: m[2]! };
      });

describe.skipIf(skip)('flamegraph.pl layout conformance', () => {
  it('has every option set of the README for the corpus (and the differential cases)', () => {
    const variants = new Set(cases.map((c) => c.variant));
    expect([...variants].sort()).toEqual(Object.keys(VARIANTS).sort());
    expect(cases.filter((c) => c.name.startsWith('diff-')).length).toBeGreaterThanOrEqual(6);
    expect(cases.length).toBeGreaterThan(100);
  });

  it.each(cases)('$name $variant', ({ file, name, variant }) => {
    const input = name.startsWith('diff-') ? join(SVG_CONFORMANCE_DIR, `${name}.folded3`) : join(CONFORMANCE_DIR, 'results', `${name}.txt`);
    const read = parseChunks(new FoldedParser(), [readFileSync(input)]);
    expect(read.unrecognized).toBe(0);
    const opts = flameOptionsSchema.parse(VARIANTS[variant]);
    const ours: Row[] = drawFrames(read.entries, opts).drawn.map((d) => ({
      y: d.y,
      x: Number(d.x),
      width: Number(d.width),
      height: d.height,
      fill: d.fill,
      title: d.title,
    }));
    const theirs = readTsv(join(SVG_CONFORMANCE_DIR, file));
    expect(theirs.length).toBeGreaterThan(0);
    expect(ours.length).toBe(theirs.length);
    ours.sort(rowOrder);
    theirs.sort(rowOrder);
    const bad: string[] = [];
    theirs.forEach((t, i) => {
      const o = ours[i]!;
      const same =
        o.y === t.y &&
        Math.abs(o.x - t.x) < 0.11 &&
        Math.abs(o.width - t.width) < 0.11 &&
        o.height === t.height &&
        o.title === t.title &&
        (t.fill === '-' || o.fill === t.fill);
      if (!same) bad.push(`flamegraph.pl ${JSON.stringify(t)}\n  ctrscope   ${JSON.stringify(o)}`);
    });
    expect(bad.slice(0, 5).join('\n')).toBe('');
  });
});
