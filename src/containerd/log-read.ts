/**
 * Reads containerd's log (a file through split2, or journald) into one LogReport. For the live
 * view: readContainerdLog(findLogSource({}), { follow: true, signal, onNew: (record) => ... })
 * calls onNew for each new line until signal aborts, then resolves with the summary.
 */
import { ContainerdLogParser, type LogParseResult, type LogRecord } from '../../parsers/containerd-log.js';
import { LogAggregator, type LogSummary } from '../aggregate/containerd-logs.js';
import type { LogSource } from './log-source.js';
import { readLogFile } from './log-reader.js';
import { CtrscopeError } from '../errors.js';
import { journalctl } from '../runner/journalctl.js';

export interface LogReport extends LogSummary, LogParseResult {
  source: LogSource;
  since: string | null;
  /** Parsed lines older than --since, not counted in levels or groups. */
  beforeSince: number;
  overflowLines: number;
  rotations: number;
  droppedGroups: number;
}

/** Reads the source; `onNew` sees each record that arrives after the first read caught up. */
export async function readContainerdLog(source: LogSource, o: { sinceMs?: number; follow: boolean; signal?: AbortSignal; onNew?: (r: LogRecord) => void; onFollowing?: () => void }): Promise<LogReport> {
  const agg = new LogAggregator();
  let beforeSince = 0;
  let caughtUp = false;
  const parser = new ContainerdLogParser((r) => {
    if (o.sinceMs !== undefined && r.timeMs !== null && r.timeMs < o.sinceMs) {
      beforeSince++;
      return;
    }
    agg.add(r);
    if (caughtUp) o.onNew?.(r);
  });
  let overflowLines = 0;
  let rotations = 0;
  if (source.kind === 'file') {
    // Each file to its end; with --follow, the last one (stdout and stderr are most often one file).
    for (const [i, p] of source.paths.entries()) {
      const last = i === source.paths.length - 1;
      const st = await readLogFile(p, (l) => parser.line(l), { follow: o.follow && last, signal: o.signal, onCaughtUp: () => {
          caughtUp = last;
          if (last && o.follow) o.onFollowing?.();
        } });
      overflowLines += st.overflowLines;
      rotations += st.rotations;
    }
  } else {
    const j = journalctl({ name: source.unit, match: source.match, directory: source.directory }, { sinceEpochSeconds: o.sinceMs !== undefined ? o.sinceMs / 1000 : undefined, follow: o.follow });
    caughtUp = o.follow;
    j.start({ onStdoutLine: (l) => parser.line(l) });
    if (o.follow) o.onFollowing?.();
    if (o.follow) {
      await new Promise<void>((r) => (o.signal?.aborted ? r() : o.signal?.addEventListener('abort', () => r(), { once: true })));
      await j.stop();
    } else {
      const ex = await j.wait();
      if (ex.code !== 0 && ex.code !== null) throw new CtrscopeError('tracer', `${source.how} failed: ${ex.stderrTail.at(-1) ?? `exit ${ex.code}`}`, 'check the unit name (systemctl status UNIT) or use --file');
    }
  }
  return { source, since: o.sinceMs !== undefined ? new Date(o.sinceMs).toISOString() : null, ...parser.result(), beforeSince, overflowLines, rotations, ...agg.result(), droppedGroups: agg.droppedGroups };
}

