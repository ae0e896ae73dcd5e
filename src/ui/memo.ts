/**
 * The screen's memory between frames: each part of the screen (a panel, the header, the footer, a
 * row of the grid) keeps the lines it last built and the inputs it read, compared by identity;
 * when none changed the same lines (the same objects) are handed out again, so nothing is rebuilt
 * and the view can skip re-drawing lines that are the same objects as in the last frame.
 */
interface Entry<T> {
  reads: readonly unknown[];
  value: T;
}

const sameReads = (a: readonly unknown[], b: readonly unknown[]) => a.length === b.length && a.every((x, i) => Object.is(x, b[i]));

export class ScreenMemo {
  private readonly entries = new Map<string, Entry<unknown>>();

  /** The value built for `key` from `reads` last time, or a new one from `build`. */
  get<T>(key: string, reads: readonly unknown[], build: () => T): T {
    const hit = this.entries.get(key);
    if (hit && sameReads(hit.reads, reads)) return hit.value as T;
    const value = build();
    this.entries.set(key, { reads, value });
    return value;
  }
}
