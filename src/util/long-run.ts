/**
 * V8 settings for the modes that stay running (the live view, serve), set before their code loads.
 *
 * --no-opt: no TurboFan. These modes handle a few kilobytes of tracer output a second, where the
 * interpreter and baseline code are fast enough; what TurboFan costs is compiling (and recompiling
 * after deopts) on background threads, which the live view paid as ~0.6% of a core in its first
 * minute and ~0.3% later (`npm run bench:live`, alternated with and without; CTRSCOPE_V8_OPT=1 keeps
 * TurboFan for such comparisons). One-shot commands (collapse of a large file) keep it: there the
 * optimised parsers matter.
 *
 * --heap-growing-percent=20: the old generation may grow 20% past what survived the last full GC
 * before the next one (V8's default factor is up to 4x on a small heap). The live view keeps ~45 MiB
 * of live objects; with the default its RSS rose in a saw-tooth to 136-150 MiB between full GCs
 * under a container-start loop, with 20% it stayed at ~125-130 MiB (four-minute runs side by side,
 * flag given on the command line), for ~0.2% of a core more GC. It is read whenever V8 sets a new
 * limit, so setting it here takes effect from the next full GC on.
 *
 * --semi-space-growth-factor=1: the young generation stays at its first size (2 MiB) instead of
 * doubling up to 32 MiB. --max-semi-space-size would say so plainly but is read only when the heap
 * is set up, before this code runs; the growth factor is read at each growth (test/unit/
 * long-run.test.ts checks it takes effect). bench:pair, the live view side by side with the build
 * before under the start loop: RSS 142 -> 127 MiB, CPU 3.41% against 3.41% (more scavenges, each
 * of a smaller space).
 */
import { setFlagsFromString } from 'node:v8';

export function settleForLongRun(env: NodeJS.ProcessEnv = process.env): void {
  if (env.CTRSCOPE_V8_OPT === '1') return;
  setFlagsFromString('--no-opt');
  setFlagsFromString('--heap-growing-percent=20');
  setFlagsFromString('--semi-space-growth-factor=1');
}
