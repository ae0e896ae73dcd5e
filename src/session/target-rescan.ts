/**
 * When to look at /proc again for targets, for the sessions that stay running (live view,
 * serve): the kernel program says in its next print (every 2 s) which targets exec'd or exited,
 * and only then (or every RESCAN_MS as a check, or on every tick while no tracer can say so) is
 * /proc scanned again.
 * Between full scans, the comms of known pids come from a cache; a pid that exec'd is forgotten.
 */
import { CommCache, discover, type HostTargets } from '../targets/discover.js';
import { targetChangesInLine } from './live-sources/kernel-print.js';

/** How often /proc is scanned in full, whatever the kernel program says. */
export const RESCAN_MS = 10_000;

export class TargetRescan {
  private changed = true;
  private scannedAt: number;
  private fullAt: number;
  private readonly comms = new CommCache();

  constructor(private readonly now: () => number) {
    this.scannedAt = now();
    this.fullAt = this.scannedAt;
  }

  /** A line in which a tracer says a target started or exited. */
  hint(line: string): void {
    this.changed = true;
    // A process that exec'd has a new comm: read it again.
    for (const c of targetChangesInLine(line)) if (c.kind === 'exec') this.comms.forget(c.pid);
  }

  /** A new discovery when one is due; hinting: a tracer that reports target changes is running. */
  due(hinting: boolean): HostTargets | null {
    const t = this.now();
    if (!this.changed && hinting && t - this.scannedAt < RESCAN_MS) return null;
    const full = t - this.fullAt >= RESCAN_MS;
    if (full) this.fullAt = t;
    this.changed = false;
    this.scannedAt = t;
    return discover(full ? undefined : this.comms);
  }
}
