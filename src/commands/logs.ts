/**
 * `ctrscope logs [--since 5m] [--follow] [--file PATH | --unit NAME] [--json]`: containerd's log
 * read for you: where it is (src/containerd/log-source.ts), its lines parsed
 * (parsers/containerd-log.ts) and summed up (src/aggregate/containerd-logs.ts). --follow prints each
 * new line until Ctrl-C, then the summary.
 */
import type { Command } from 'commander';
import { ContainerdLogParser, type LogParseResult, type LogRecord } from '../../parsers/containerd-log.js';
import { LogAggregator, type LogSummary } from '../aggregate/containerd-logs.js';
import { findLogSource, type LogSource } from '../containerd/log-source.js';
import { readLogFile } from '../containerd/log-reader.js';
import { CtrscopeError } from '../errors.js';
import { journalctl } from '../runner/journalctl.js';
import { durationSchema, parseOption } from '../validate.js';
import { renderLogs } from './logs-render.js';

export interface LogReport extends LogSummary, LogParseResult {
  source: LogSource;
  since: string | null;
  /** Parsed lines older than --since, not counted in levels or groups. */
  beforeSince: number;
  overflowLines: number;
  rotations: number;
  droppedGroups: number;
}

interface LogsFlags {
  since?: string;
  follow?: boolean;
  file?: string;
  unit?: string;
  json?: boolean;
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
    const j = journalctl(source.unit, { sinceEpochSeconds: o.sinceMs !== undefined ? o.sinceMs / 1000 : undefined, follow: o.follow });
    caughtUp = o.follow;
    j.start({ onStdoutLine: (l) => parser.line(l) });
    if (o.follow) o.onFollowing?.();
    if (o.follow) {
      await new Promise<void>((r) => (o.signal?.aborted ? r() : o.signal?.addEventListener('abort', () => r(), { once: true })));
      await j.stop();
    } else {
      const ex = await j.wait();
      if (ex.code !== 0 && ex.code !== null) throw new CtrscopeError('tracer', `journalctl -u ${source.unit} failed: ${ex.stderrTail.at(-1) ?? `exit ${ex.code}`}`, 'check the unit name (systemctl status UNIT) or use --file');
    }
  }
  return { source, since: o.sinceMs !== undefined ? new Date(o.sinceMs).toISOString() : null, ...parser.result(), beforeSince, overflowLines, rotations, ...agg.result(), droppedGroups: agg.droppedGroups };
}

const fields = (r: LogRecord) => Object.entries(r.fields).map(([k, v]) => `${k}=${/[\s"]/.test(v) ? JSON.stringify(v) : v}`).join(' ');

export function registerLogs(program: Command): void {
  program
    .command('logs')
    .description("read containerd's log: where it is, counts by level over time, errors and warnings by message, per-container timelines")
    .option('--since <time>', 'only lines from this long ago: 30s, 5m, 2h')
    .option('--follow', 'print new lines as they come (across rotation) until Ctrl-C, then the summary')
    .option('--file <path>', "read this file (default: journald, else the file containerd's stdout goes to)")
    .option('--unit <name>', 'read this systemd unit with journalctl')
    .option('--json', 'print one JSON object (with --follow: one per new line, then the summary)')
    .action(async (o: LogsFlags) => {
      const sinceMs = o.since !== undefined ? Date.now() - parseOption(durationSchema, o.since, '--since') * 1000 : undefined;
      const source = findLogSource(o);
      process.stderr.write(`ctrscope: reading ${source.how}\n`);
      const stop = new AbortController();
      const abort = () => stop.abort();
      process.once('SIGINT', abort);
      process.once('SIGTERM', abort);
      try {
        const onNew = (r: LogRecord) =>
          process.stdout.write(o.json ? JSON.stringify({ type: 'line', time: r.timeMs === null ? null : new Date(r.timeMs).toISOString(), level: r.level, msg: r.msg, fields: r.fields }) + '\n' : `${r.timeMs === null ? '-' : new Date(r.timeMs).toISOString().slice(11, 23)} ${r.level.padEnd(7)} ${r.msg} ${fields(r)}\n`);
        const report = await readContainerdLog(source, { sinceMs, follow: !!o.follow, signal: stop.signal, onNew, onFollowing: () => process.stderr.write('ctrscope: following new lines (Ctrl-C ends and prints the summary)\n') });
        process.stdout.write(o.json ? JSON.stringify(o.follow ? { type: 'summary', ...report } : report, null, o.follow ? 0 : 2) + '\n' : (o.follow ? '\n' : '') + renderLogs(report));
      } finally {
        process.off('SIGINT', abort);
        process.off('SIGTERM', abort);
      }
    });
}
