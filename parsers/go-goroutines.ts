/**
 * Go's goroutine profile in text form, as containerd's debug socket serves it at
 * `GET /debug/pprof/goroutine?debug=1`: goroutines that share a stack are one group.
 *
 *   goroutine profile: total 29
 *   1 @ 0xc6be74 0xccd92f 0x13d9479 0xcd1381
 *   #	0xccd92e	os/signal.signal_recv+0x2e	runtime/sigqueue.go:152
 *   #	0x13d9478	os/signal.loop+0x18		os/signal/signal_unix.go:23
 *
 *   12 @ 0xc9e676 0xcaf0dc ...
 *   # labels: {"name":"value"}
 *   #	0x1daf8d1	github.com/containerd/containerd/pkg/cri/server.(*snapshotsSyncer).start.func1+0x71	.../snapshots.go:65
 *
 * Frames come leaf first. Groups with the same functions and lines are merged (Go keeps them
 * apart when only return addresses differ), so memory grows with distinct stacks, not goroutines.
 */
import type { LineParser } from './lines.js';

export interface GoFrame {
  /** Function, as Go prints it: "net/http.(*conn).serve". */
  func: string;
  /** "file.go:123" */
  file: string;
}

export interface GoroutineGroup {
  count: number;
  /** Leaf first. */
  frames: GoFrame[];
}

export interface GoroutineProfile {
  /** The `total` on the first line, or null when the header was missing. */
  total: number | null;
  groups: GoroutineGroup[];
  lines: number;
  unrecognized: number;
}

/** The key two groups share when they have the same stack. */
export const stackKey = (frames: GoFrame[]) => frames.map((f) => `${f.func} ${f.file}`).join(';');

export class GoroutineProfileParser implements LineParser<GoroutineProfile> {
  private total: number | null = null;
  private readonly groups = new Map<string, GoroutineGroup>();
  private current: GoroutineGroup | null = null;
  private lines = 0;
  private unrecognized = 0;

  line(raw: string): void {
    this.lines++;
    const text = raw.endsWith('\r') ? raw.slice(0, -1) : raw;
    // (blank line between groups)
    if (text.trim() === '') {
      this.flush();
      return;
    }
    // goroutine profile: total 29
    const head = /^goroutine profile: total (\d+)$/.exec(text);
    if (head) {
      this.total = Number(head[1]);
      return;
    }
    // 1 @ 0xc6be74 0xccd92f 0x13d9479 0xcd1381
    const group = /^(\d+) @(?: 0x[0-9a-f]+)*$/.exec(text);
    if (group) {
      this.flush();
      this.current = { count: Number(group[1]), frames: [] };
      return;
    }
    if (text.startsWith('#') && this.current) {
      // #	0x13d9478	os/signal.loop+0x18		os/signal/signal_unix.go:23
      const f = /^#\s+0x[0-9a-f]+\s+(\S+?)(?:\+0x[0-9a-f]+)?\s+(\S+:\d+)\s*$/.exec(text);
      if (f) {
        this.current.frames.push({ func: f[1]!, file: f[2]! });
        return;
      }
      // # labels: {"name":"value"}
      if (/^# labels: /.test(text)) return;
    }
    this.unrecognized++;
  }

  private flush(): void {
    const g = this.current;
    this.current = null;
    if (!g) return;
    const key = stackKey(g.frames);
    const seen = this.groups.get(key);
    if (seen) seen.count += g.count;
    else this.groups.set(key, g);
  }

  result(): GoroutineProfile {
    // The group being read is counted too, so a result taken mid-stream is not short.
    const groups = [...this.groups.values()].map((g) => ({ count: g.count, frames: g.frames }));
    if (this.current) {
      const key = stackKey(this.current.frames);
      const same = groups.find((g) => stackKey(g.frames) === key);
      if (same) same.count += this.current.count;
      else groups.push({ count: this.current.count, frames: [...this.current.frames] });
    }
    groups.sort((a, b) => b.count - a.count || stackKey(a.frames).localeCompare(stackKey(b.frames)));
    return { total: this.total, groups, lines: this.lines, unrecognized: this.unrecognized };
  }
}
