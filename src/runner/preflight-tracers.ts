/** Run before any tracer attaches: clear our own leftovers, report foreign tracers on the targets. */
import { describeForeign, stopOrphans, tracedThreads } from './janitor.js';

export function clearTheWay(targetPids: number[], say: (m: string) => void): void {
  stopOrphans(say);
  for (const line of describeForeign(tracedThreads(targetPids))) say(`warning: ${line}`);
}
