/**
 * The live stacks source on a real capture of probes/live-stacks.bt under a container-start loop
 * (fixtures/probes/live-stacks.jsonl.gz, two 10 s prints; the command is in fixtures/probes/README.md):
 * every printed stack print is folded and added up, sample for sample.
 */
import { describe, expect, it } from 'vitest';
import { fixtureBytes } from '../../helpers/chunks.js';
import { stacksSource } from '../../../src/session/live-sources/stacks.js';
import { ProcessImages } from '../../../src/host/process-images.js';

const lines = fixtureBytes(new URL('../../../fixtures/probes/live-stacks.jsonl.gz', import.meta.url).pathname).toString('utf8').split('\n');

describe('live stacks source on a real live-stacks.bt capture', () => {
  it('adds up every stacks print of one run', () => {
    const prints = lines.filter((l) => l.startsWith('{"type": "map", "data": {"@stacks"'));
    expect(prints.length).toBeGreaterThanOrEqual(2);
    const expected = prints.reduce((a, l) => a + Object.values(JSON.parse(l).data['@stacks'] as Record<string, number>).reduce((x, y) => x + y, 0), 0);
    expect(expected).toBeGreaterThan(0);
    const src = stacksSource.create({ arch: 'x64' });
    src.runStarted?.(0, 0, {});
    for (const [i, l] of lines.entries()) src.line(l, i, 0);
    const out = src.output(lines.length, { containerd: [], shims: [], containers: [] });
    expect(out.stacks!.samples).toBe(expected);
    expect(out.stacks!.folded.reduce((a, [, n]) => a + n, 0)).toBe(expected);
    expect(out.stacks!.folded.some(([s]) => s.startsWith('containerd;'))).toBe(true);
  });
});

describe('live stacks source on a capture with @announce (fixtures/probes/live-stacks-announce.jsonl.gz)', () => {
  const cap = fixtureBytes(new URL('../../../fixtures/probes/live-stacks-announce.jsonl.gz', import.meta.url).pathname).toString('utf8').split('\n');
  const announces = cap.filter((l) => l.startsWith('{"type": "map", "data": {"@announce"'));
  const stackPrints = cap.filter((l) => l.startsWith('{"type": "map", "data": {"@stacks"'));

  it('announces every process of a stacks print before it, and each announced process is read', () => {
    expect(announces.length).toBeGreaterThanOrEqual(10);
    expect(stackPrints.length).toBeGreaterThanOrEqual(2);
    const announced = new Set(announces.flatMap((l) => Object.keys(JSON.parse(l).data['@announce'] as object).map(Number)));
    // The stacks' processes (key: kstack, ustack, pid, comm) were all announced.
    const stacked = new Set(stackPrints.flatMap((l) => Object.keys(JSON.parse(l).data['@stacks'] as object).map((k) => Number(k.split(',').at(-2)))));
    expect(stacked.size).toBeGreaterThan(10);
    for (const pid of stacked) expect(announced.has(pid), `pid ${pid}`).toBe(true);

    const images = new ProcessImages({ light: true });
    const src = stacksSource.create({ arch: 'x64', stackImages: () => images });
    src.runStarted?.(0, 0, {});
    // Each announcement as the live view gets it, before the stacks print folds (and forgets) them.
    let before = 0;
    for (const [i, l] of cap.entries()) {
      if (l.startsWith('{"type": "map", "data": {"@stacks"')) break;
      src.line(l, i, 0);
      before = i;
    }
    const firstAnnounced = new Set(cap.slice(0, before + 1).filter((l) => l.includes('"@announce"')).flatMap((l) => Object.keys(JSON.parse(l).data['@announce'] as object).map(Number)));
    expect(firstAnnounced.size).toBeGreaterThan(10);
    // The capture's processes are gone now, except containerd's: each was looked at all the same.
    for (const pid of firstAnnounced) expect(images.images.has(pid) || images.missed.has(pid), `pid ${pid}`).toBe(true);
  });
});

describe("the live view's e key (exportStacks) on the same capture", () => {
  it('writes the folded stacks and their flame graph, each frame of the SVG holding its samples, never over a file', async () => {
    const { mkdtempSync, readFileSync, readdirSync, rmSync } = await import('node:fs');
    const { join } = await import('node:path');
    const { tmpdir } = await import('node:os');
    const { exportStacks } = await import('../../../src/session/live-effects.js');
    const src = stacksSource.create({ arch: 'x64' });
    src.runStarted?.(0, 0, {});
    for (const [i, l] of lines.entries()) src.line(l, i, 0);
    const out = src.output(lines.length, { containerd: [], shims: [], containers: [] });
    const total = out.stacks!.folded.reduce((a, [, n]) => a + n, 0);
    expect(total).toBeGreaterThan(0);
    const dir = mkdtempSync(join(tmpdir(), 'ctrscope-export-'));
    try {
      const now = new Date('2026-12-01T10:00:00Z');
      const notice = exportStacks({ stacks: out.stacks } as never, dir, now);
      expect(notice.level, notice.text).toBe('info');
      expect(readdirSync(dir).sort()).toEqual(['ctrscope-stacks-20261201-100000.folded', 'ctrscope-stacks-20261201-100000.svg']);
      const folded = readFileSync(join(dir, 'ctrscope-stacks-20261201-100000.folded'), 'utf8').trim().split('\n');
      expect(folded.reduce((a, l) => a + Number(l.slice(l.lastIndexOf(' ') + 1)), 0)).toBe(total);
      const svg = readFileSync(join(dir, 'ctrscope-stacks-20261201-100000.svg'), 'utf8');
      expect(svg).toMatch(new RegExp(`<title>all \\(${total.toLocaleString('en-US')} samples, 100(\\.0+)?%\\)</title>`));
      expect(svg).toMatch(/<title>containerd \(/);
      // A second export in the same second does not replace the first.
      expect(exportStacks({ stacks: out.stacks } as never, dir, now).level).toBe('error');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
