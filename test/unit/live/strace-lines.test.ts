/** The strace detail overlay's text, from a real strace -f -tt -T capture of containerd. */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { gunzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { parseChunks } from '../../../parsers/lines.js';
import { StraceParser } from '../../../parsers/strace.js';
import { straceLines } from '../../../src/session/live-strace.js';

const text = gunzipSync(readFileSync(fileURLToPath(new URL('../../../fixtures/strace/containerd-tt-T-C-w.txt.gz', import.meta.url)))).toString('latin1');

describe('strace detail lines', () => {
  const r = parseChunks(new StraceParser({ topN: 20 }), [text]);
  const lines = straceLines(r, 2);

  it('counts every call and error the trace has', () => {
    // Independent count: every finished call line ends in "= RET <seconds>".
    const finished = text.split('\n').filter((l) => /\) += .* <\d+\.\d+>$/.test(l) || /resumed>.* = .* <\d+\.\d+>$/.test(l));
    const calls = r.syscalls.reduce((a, s) => a + s.calls, 0);
    expect(Math.abs(calls - finished.length) / finished.length).toBeLessThan(0.02);
    expect(lines[0]).toMatch(new RegExp(`^${calls} calls \\([\\d.]+k?/s\\), \\d+ errors in 2\\.0 s`));
  });

  it('lists the syscalls with most time first and the slowest calls with their arguments', () => {
    const top = [...r.syscalls].sort((a, b) => b.seconds - a.seconds)[0]!;
    expect(lines[3]).toMatch(new RegExp(`^${top.syscall} +${top.calls} `));
    const slow = lines.indexOf('slowest calls:');
    expect(slow).toBeGreaterThan(3);
    expect(lines[slow + 1]).toContain(`${r.slowest[0]!.syscall}(`);
  });
});
