/**
 * Lets snapshots through to the view at most once per `gapMs`: the first one at once, then the
 * newest one that arrived meanwhile when its time comes (older ones are dropped, never drawn).
 * Keys do not pass through here: they change the view at once.
 */
export class SnapshotGate<T> {
  private last = -Infinity;
  private pending: { value: T } | null = null;
  private timer: NodeJS.Timeout | null = null;

  constructor(
    private readonly gapMs: number,
    private readonly apply: (value: T) => void,
    private readonly now: () => number = () => performance.now(),
  ) {}

  push(value: T): void {
    const t = this.now();
    if (!this.timer && t - this.last >= this.gapMs) {
      this.last = t;
      this.apply(value);
      return;
    }
    this.pending = { value };
    this.timer ??= setTimeout(() => this.release(), Math.max(0, this.last + this.gapMs - t));
  }

  private release(): void {
    this.timer = null;
    const p = this.pending;
    this.pending = null;
    if (!p) return;
    this.last = this.now();
    this.apply(p.value);
  }

  /** Drops what waits. */
  close(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    this.pending = null;
  }
}
