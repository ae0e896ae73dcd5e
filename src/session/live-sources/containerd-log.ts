/**
 * containerd's log for the live view's containerd panel, as a poll source (see ./types.ts): each
 * second the lines containerd added to its log (src/containerd/log-tail.ts: the appended bytes
 * of its file, or what the one `journalctl -f` child printed) are one run, parsed
 * (parsers/containerd-log.ts) into errors and warnings per second and the newest error
 * (src/aggregate/containerd-log-panel.ts). The first run carries the last 64 KiB (or 200 journal
 * entries) logged before the view started, so an error from just before shows as the newest.
 * Recordings keep the lines, so a replay rebuilds the same log line.
 */
import { ContainerdLogParser } from '../../../parsers/containerd-log.js';
import { ContainerdLogPanel, type ContainerdLogView } from '../../aggregate/containerd-log-panel.js';
import { findLogSource } from '../../containerd/log-source.js';
import { tailLog, type LogTail } from '../../containerd/log-tail.js';
import type { LiveSource, LiveSourceDef, SourceContext, SourceOutput } from './types.js';

export type ContainerdLogSourceOutput = SourceOutput & { containerdLog: ContainerdLogView };

export function createContainerdLogLiveSource(ctx: SourceContext): LiveSource & { output(t: number): ContainerdLogSourceOutput } {
  let panel = new ContainerdLogPanel();
  let now = 0;
  // Without the session's start (older callers), wall time is what the newest record says.
  let newestWall = 0;
  const wall = (t: number) => (ctx.startedAtMs !== undefined ? ctx.startedAtMs + t : newestWall);
  const parser = new ContainerdLogParser((r) => {
    if (r.timeMs !== null) newestWall = Math.max(newestWall, r.timeMs);
    panel.add(r, wall(now));
  });
  let unreadAtReset = 0;
  return {
    line(text, t) {
      now = t;
      parser.line(text);
    },
    reset() {
      panel.reset();
      unreadAtReset = parser.result().unreadLines;
    },
    output(t) {
      const unread = parser.result().unreadLines - unreadAtReset;
      return { eventsPerSec: 0, lost: 0, unrecognized: unread, containerdLog: panel.view(wall(t), unread) };
    },
  };
}

/** After the log could not be found, look again this often (finding it scans /proc). */
const RETRY_MS = 30_000;

/**
 * The source's definition, with its own tail: `backlog` false starts at the log's end (serve,
 * whose counters count only what was logged while it runs).
 */
export function containerdLogSourceDef(o: { backlog: boolean } = { backlog: true }): LiveSourceDef {
  let tail: LogTail | undefined;
  let failed: { atMs: number; error: Error } | undefined;
  return {
    id: 'containerd-log',
    probe: 'logs',
    panels: ['containerd'],
    create: (ctx) => createContainerdLogLiveSource(ctx),
    poll: {
      everyMs: 1000,
      backend: 'log',
      async fetch() {
        if (!tail) {
          if (failed && Date.now() - failed.atMs < RETRY_MS) throw failed.error;
          try {
            tail = tailLog(findLogSource({}), o.backlog ? { backlogBytes: 64 * 1024, backlogEntries: 200 } : {});
            failed = undefined;
          } catch (e) {
            failed = { atMs: Date.now(), error: e as Error };
            throw e;
          }
        }
        return tail.take();
      },
      async stop() {
        const t = tail;
        tail = undefined;
        failed = undefined;
        await t?.stop();
      },
    },
  };
}

export const containerdLogSource: LiveSourceDef = containerdLogSourceDef();
