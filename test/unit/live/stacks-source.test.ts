/**
 * The live stacks source on a real capture of probes/live-stacks.bt under a container-start loop
 * (fixtures/probes/live-stacks.jsonl.gz, two 10 s prints; the command is in fixtures/probes/README.md):
 * every printed stack print is folded and added up, sample for sample.
 */
import { describe, expect, it } from 'vitest';
import { fixtureBytes } from '../../helpers/chunks.js';
import { stacksSource } from '../../../src/session/live-sources/stacks.js';

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
