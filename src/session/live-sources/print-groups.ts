/**
 * bpftrace probes print their maps together on each interval tick (print(@a); print(@b); ...).
 * This cuts a stream into those groups: a group closes when every expected map has printed, or
 * when a map prints again (an empty map prints nothing at all, so "every" may never come), or at
 * the end of the run. Its time is when its first map arrived, the closest to bpftrace's tick.
 */
import { BpftraceJsonParser, type BpftraceMapEntry, type DeltaMap } from '../../../parsers/bpftrace-json.js';

export interface PrintGroup {
  t: number;
  /** The maps printed in this group (an absent one was empty). */
  maps: Map<string, BpftraceMapEntry>;
}

export class PrintGroups {
  readonly parser: BpftraceJsonParser;
  private readonly seen = new Map<string, number>();
  private open: PrintGroup | null = null;

  /** deltaMaps: maps the program prints as deltas; their groups carry the running sums. */
  constructor(
    private readonly names: readonly string[],
    deltaMaps?: Record<string, DeltaMap>,
  ) {
    this.parser = new BpftraceJsonParser(0, { deltaMaps });
  }

  /** Feeds one line; returns the groups it completed, oldest first. */
  line(text: string, t: number): PrintGroup[] {
    const maps = this.parser.result().maps;
    const before = this.parser.result().seq;
    this.parser.line(text);
    if (this.parser.result().seq === before) return [];
    const done: PrintGroup[] = [];
    for (const name of this.names) {
      const e = maps.get(name);
      if (!e || e.seq === this.seen.get(name)) continue;
      this.seen.set(name, e.seq);
      if (this.open?.maps.has(name)) done.push(this.close()!);
      this.open ??= { t, maps: new Map() };
      this.open.maps.set(name, e);
    }
    if (this.open && this.open.maps.size === this.names.length) done.push(this.close()!);
    return done;
  }

  /** The stream ended: the group in progress is complete. */
  flush(): PrintGroup[] {
    const g = this.close();
    return g ? [g] : [];
  }

  private close(): PrintGroup | null {
    const g = this.open;
    this.open = null;
    return g;
  }
}

/** A map's value as counts by key ({} when absent or not an object). */
export function countsOf(e: BpftraceMapEntry | undefined): Record<string, number> {
  return numbersOf(e?.value);
}

/** A map printed as {key: number}, or {} for anything else. */
export function numbersOf(v: unknown): Record<string, number> {
  return typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Record<string, number>) : {};
}
