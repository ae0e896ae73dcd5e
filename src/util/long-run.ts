/**
 * V8 settings for the modes that stay running (the live view, serve), set before their code loads.
 *
 * --no-opt: no TurboFan. These modes handle a few kilobytes of tracer output a second, where the
 * interpreter and baseline code are fast enough; what TurboFan costs is compiling (and recompiling
 * after deopts) on background threads, which the live view paid as ~0.6% of a core in its first
 * minute and ~0.3% later (`npm run bench:live`, alternated with and without; CTRSCOPE_V8_OPT=1 keeps
 * TurboFan for such comparisons). One-shot commands (collapse of a large file) keep it: there the
 * optimised parsers matter.
 */
import { setFlagsFromString } from 'node:v8';

export function settleForLongRun(env: NodeJS.ProcessEnv = process.env): void {
  if (env.CTRSCOPE_V8_OPT === '1') return;
  setFlagsFromString('--no-opt');
}
