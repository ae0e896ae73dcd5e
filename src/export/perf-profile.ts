/**
 * What collapsed `perf script` stacks mean as a profile: their values are summed sample periods
 * (stackcollapse-perf.pl's counts), so for the software clocks (cpu-clock, task-clock) they are
 * CPU nanoseconds and for any other event a count of events.
 */
import type { StackProfile } from './types.js';

const gcd = (a: number, b: number): number => {
  while (b) [a, b] = [b, a % b];
  return a;
};

/**
 * `event` as perf printed it ("cpu-clock:ppp:"); `stacks` the collapser's folded stacks;
 * `modules` frame → the module perf printed for it (parsers/perf-modules.ts), when read.
 */
export function perfScriptProfile(event: string | undefined, stacks: ReadonlyMap<string, number>, name = 'perf script', modules?: ReadonlyMap<string, string>): StackProfile {
  const base = (event ?? '').replace(/:.*$/, '') || 'samples';
  // The sampling period: every value is a whole number of periods (-F 99: 10101010 ns each).
  let period = 0;
  for (const v of stacks.values()) if (Number.isInteger(v)) period = gcd(period, Math.abs(v));
  const clock = base === 'cpu-clock' || base === 'task-clock';
  const value = clock ? { type: 'cpu', unit: 'nanoseconds' } : { type: base, unit: 'count' };
  // The sample count too, as Go's CPU profiles carry it (values are whole periods).
  const derived = period > 0 ? [{ type: 'samples', unit: 'count', factor: 1 / period }] : [];
  const binaryOf = modules ? (frame: string) => (modules.has(frame) ? { file: modules.get(frame)! } : undefined) : undefined;
  return { name, stacks, value, derived, periodType: value, period, binaryOf };
}
