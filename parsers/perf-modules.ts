/**
 * Which binary each folded frame of `perf script` output came from: the module perf prints in
 * parentheses after a frame,
 *
 *   \t          8d34c0 runtime.epollwait.abi0+0x20 (/usr/bin/containerd)
 *   \tffffffff821f8914 __schedule+0x3d4 ([kernel.kallsyms])
 *
 * keyed by the frame's folded name (the name stackcollapse-perf.pl gives it, so it matches the
 * collapser's stacks). For exports that carry binaries (pprof mappings). Pure, streaming by line;
 * the first module seen for a name wins; "[unknown]" modules are not recorded.
 */
import { foldFrames, type FrameRules } from './perf-frames.js';
import { matchStackLine, PerfLineMatch } from './perf-script-match.js';

export class PerfModules {
  private readonly m = new PerfLineMatch();
  readonly modules = new Map<string, string>();
  constructor(private readonly rules: FrameRules) {}

  line(s: string): void {
    // Frame lines are indented; event records and headers are not.
    const c = s.charCodeAt(0);
    if (c !== 9 && c !== 32) return;
    if (!matchStackLine(s, 0, s.length, this.m)) return;
    const mod = s.slice(this.m.modStart, this.m.modEnd);
    if (mod === '[unknown]' || mod.length === 0) return;
    const frames = foldFrames(s.slice(this.m.funcStart, this.m.funcEnd), mod, s.slice(this.m.pcStart, this.m.pcEnd), false, this.rules);
    if (frames === null) return;
    for (const f of frames.split(';')) if (!this.modules.has(f)) this.modules.set(f, mod);
  }
}
