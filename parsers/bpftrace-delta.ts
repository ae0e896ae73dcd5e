/**
 * The running sums of maps a bpftrace program prints as deltas, in two alternating sets, and the
 * marker lines that keep its last second from being added twice or lost (probes/syscall-count.bt).
 * Pure, and apart from the line parser (parsers/bpftrace-json.ts) that feeds it.
 */

/**
 * How a map printed as deltas is summed. A program that clears its maps after each print keeps
 * them small in the kernel; it prints two alternating sets, NAME_0 and NAME_1, so that counting
 * goes on in one set while the other is printed and cleared (nothing is lost between a print and
 * its clear). The parser folds both into NAME: sums (count, sum) or the largest value (max).
 *
 * bpftrace applies print() and clear() in userspace, in the order it reads its per-CPU buffers,
 * and drops what is queued when a stop lands mid-print, so a program's last interval and its END
 * can be applied in either order, or the interval's only in part. Such a program prints
 * "ctrscope:cleared S" after clearing set S, and "ctrscope:end" before END prints both sets: a
 * set's map printed since its last "cleared" marker is not added again at END (its clear never
 * ran, so END's print repeats it); every other END print is added. The markers are not kept.
 */
export interface DeltaMap {
  op: 'sum' | 'max';
  /** At most this many keys are kept; past that, a new key is folded with fold() (or not kept). */
  maxKeys?: number;
  /** The key a new key is counted under once the map holds maxKeys keys. */
  fold?: (key: string) => string;
}

/** Default bound on the keys a delta map keeps. */
export const DELTA_MAX_KEYS = 100_000;

/** The sums of a program's delta maps, fed each print of NAME_0 / NAME_1 and each marker line. */
export class DeltaSums {
  /** Running sums, by the name they are summed into, with their key counts. */
  private readonly sums = new Map<string, { acc: Record<string, number>; size: number }>();
  /** Per set (_0, _1): delta maps printed since that set's last "cleared" marker. */
  private readonly uncleared: [Set<string>, Set<string>] = [new Set(), new Set()];
  /** After "ctrscope:end": END's prints. */
  private ending = false;

  constructor(private readonly specs: Record<string, DeltaMap>) {}

  /**
   * Adds a print of NAME_0 or NAME_1 into NAME and returns NAME's sums; null when it was left out
   * as a repeat (see DeltaMap); false when it is not a delta map's print.
   */
  add(name: string, value: () => unknown): Record<string, number> | null | false {
    const base = name.slice(0, -2);
    const spec = this.specs[base];
    if (!spec || (!name.endsWith('_0') && !name.endsWith('_1'))) return false;
    const v = value();
    if (typeof v !== 'object' || v === null || Array.isArray(v)) return false;
    const uncleared = this.uncleared[name.endsWith('_0') ? 0 : 1];
    if (this.ending && uncleared.has(base)) return null;
    uncleared.add(base);
    let sum = this.sums.get(base);
    if (!sum) this.sums.set(base, (sum = { acc: {}, size: 0 }));
    const acc = sum.acc;
    const max = spec.maxKeys ?? DELTA_MAX_KEYS;
    for (const [k0, n] of Object.entries(v as Record<string, unknown>)) {
      if (typeof n !== 'number') continue;
      let k = k0;
      if (acc[k] === undefined && sum.size >= max) {
        if (!spec.fold) continue;
        k = spec.fold(k0);
      }
      const cur = acc[k];
      if (cur === undefined) sum.size++;
      acc[k] = cur === undefined ? n : spec.op === 'sum' ? cur + n : Math.max(cur, n);
    }
    return acc;
  }

  /** A marker line (see DeltaMap), applied; false for any other printf text. */
  marker(text: unknown): boolean {
    if (text === 'ctrscope:end\n') this.ending = true;
    else if (text === 'ctrscope:cleared 0\n') this.uncleared[0].clear();
    else if (text === 'ctrscope:cleared 1\n') this.uncleared[1].clear();
    else return false;
    return true;
  }
}
