/**
 * `--without`: the sources a person leaves out of the live view. The flag's value is checked at
 * the boundary (one usage line for a wrong name), and a panel whose source was left out says so
 * instead of waiting for it.
 */
import { describe, expect, it } from 'vitest';
import { OPTIONAL_SOURCES, parseWithout } from '../../src/commands/live.js';
import { CtrscopeError, ExitCode } from '../../src/errors.js';
import { LiveEngine } from '../../src/session/live.js';
import { LIVE_SOURCES } from '../../src/session/live-sources/index.js';
import { waitingLines } from '../../src/ui/panels/common.js';

const text = (lines: { t: string }[][]) => lines.map((l) => l.map((s) => s.t).join('')).join('\n');

describe('--without', () => {
  it('takes a comma-separated list of the sources the live view runs', () => {
    expect(parseWithout(undefined)).toEqual([]);
    expect(parseWithout('stacks, containerd-log,stacks')).toEqual(['stacks', 'containerd-log']);
    // Every name it accepts is a source the live view starts.
    const ids = LIVE_SOURCES.map((d) => d.id);
    expect(OPTIONAL_SOURCES.filter((s) => !ids.includes(s))).toEqual([]);
  });

  it('refuses an unknown source or an empty list in one usage line', () => {
    for (const bad of ['kernel', 'stack', ',']) {
      let err: unknown;
      try {
        parseWithout(bad);
      } catch (e) {
        err = e;
      }
      expect(err, bad).toBeInstanceOf(CtrscopeError);
      const e = err as CtrscopeError;
      expect(e.exitCode).toBe(ExitCode.usage);
      expect(e.line()).toMatch(/^ctrscope: --without /);
      expect(e.line()).not.toContain('\n');
    }
  });

  it('a panel left without its source says it was left out', () => {
    const without = LIVE_SOURCES.filter((d) => d.id !== 'stacks');
    const engine = new LiveEngine(without, { arch: process.arch, startedAtMs: 0 }, 'live', () => 0);
    engine.setSession({ without: [{ source: 'stacks', panels: ['stacks'] }] });
    expect(text(waitingLines(engine.snapshot(), 'stacks'))).toBe('left out: --without stacks');
    // A panel with no source that the left-out one would not have fed does not say so.
    const kernelOnly = new LiveEngine(LIVE_SOURCES.filter((d) => d.id === 'kernel'), { arch: process.arch, startedAtMs: 0 }, 'live', () => 0);
    kernelOnly.setSession({ without: [{ source: 'stacks', panels: ['stacks'] }] });
    expect(text(waitingLines(kernelOnly.snapshot(), 'sched'))).toContain('waiting for probe');
    const all = new LiveEngine(LIVE_SOURCES, { arch: process.arch, startedAtMs: 0 }, 'live', () => 0);
    expect(text(waitingLines(all.snapshot(), 'stacks'))).not.toContain('left out');
  });
});
