/** Shared by the native probes: the report's common fields, printing, and waiting with Ctrl-C. */
import { setTimeout as sleep } from 'node:timers/promises';
import type { ProbeReport } from '../../probes/types.js';
import { discover } from '../targets/discover.js';
import { checkOutputPath, writeFileAtomic } from '../output/write-file.js';
import { checkAssertions, type BoundAssertion } from '../assert/check.js';

export const say = (m: string) => process.stderr.write(`ctrscope: ${m}\n`);

/** containerd as the report's target. */
export function containerdTargets(): ProbeReport['targets'] {
  return discover().containerd.map((c) => ({ pid: c.pid, comm: c.comm, role: 'containerd' }));
}

/** Prints the report (JSON or text) on stdout, or writes it to --output; then checks --assert (throws the assertion exit code). */
export function emit(o: { json: boolean; output?: string; force: boolean; assertions?: BoundAssertion[] }, report: ProbeReport, text: () => string): void {
  const out = o.json ? JSON.stringify(report, null, 2) + '\n' : text();
  if (o.output) {
    writeFileAtomic(o.output, out, o.force);
    say(`wrote ${o.output}`);
  } else process.stdout.write(out);
  checkAssertions(o.assertions ?? [], report as ProbeReport & { durationSeconds: number });
}

export const checkOutput = (o: { output?: string; force: boolean }) => {
  if (o.output) checkOutputPath(o.output, o.force);
};

/**
 * Waits for ms, calling tick(elapsedSeconds) about once a second; Ctrl-C or SIGTERM end the wait
 * early. Resolves true when interrupted.
 */
export async function runFor(ms: number, tick?: (elapsed: number) => Promise<void> | void): Promise<boolean> {
  const stop = new AbortController();
  const abort = () => stop.abort();
  for (const sig of STOP_SIGNALS) process.on(sig, abort);
  const t0 = Date.now();
  try {
    for (let left = ms; left > 0 && !stop.signal.aborted; left = ms - (Date.now() - t0)) {
      // An abort rejects the sleep; the loop condition then ends the wait.
      await sleep(Math.min(1000, left), undefined, { signal: stop.signal }).catch(() => undefined);
      if (!stop.signal.aborted && tick) await tick((Date.now() - t0) / 1000);
    }
  } finally {
    for (const sig of STOP_SIGNALS) process.off(sig, abort);
  }
  if (stop.signal.aborted) say('interrupted: result covers the time until Ctrl-C');
  return stop.signal.aborted;
}

const STOP_SIGNALS = ['SIGINT', 'SIGTERM'] as const;

export const round = (n: number, digits = 6) => Math.round(n * 10 ** digits) / 10 ** digits;
