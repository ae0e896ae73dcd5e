/**
 * `ctrscope logs [--since 5m] [--follow] [--file PATH | --unit NAME | --identifier NAME] [--journal-dir DIR] [--json]`: containerd's log
 * read for you: where it is (src/containerd/log-source.ts), its lines parsed
 * (parsers/containerd-log.ts) and summed up (src/aggregate/containerd-logs.ts). --follow prints each
 * new line until Ctrl-C, then the summary.
 */
import type { Command } from 'commander';
import type { LogRecord } from '../../parsers/containerd-log.js';
import { findLogSource } from '../containerd/log-source.js';
import { readContainerdLog } from '../containerd/log-read.js';
import { durationSchema, parseOption } from '../validate.js';
import { renderLogs } from './logs-render.js';

interface LogsFlags {
  since?: string;
  follow?: boolean;
  file?: string;
  unit?: string;
  identifier?: string;
  journalDir?: string;
  json?: boolean;
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
    .option('--identifier <name>', 'read journald entries by this identifier (journalctl -t: written with systemd-cat or syslog)')
    .option('--journal-dir <dir>', 'with --unit or --identifier: read this journal directory (journalctl -D)')
    .option('--json', 'print one JSON object (with --follow: one per new line, then the summary)')
    .action(async (o: LogsFlags) => {
      const sinceMs = o.since !== undefined ? Date.now() - parseOption(durationSchema, o.since, '--since') * 1000 : undefined;
      const source = findLogSource(o);
      process.stderr.write(`ctrscope: reading ${source.how}\n`);
      const stop = new AbortController();
      const abort = () => stop.abort();
      // Only a follow is ended by Ctrl-C into a summary; a one-shot read stops as any command does.
      if (o.follow) {
        process.once('SIGINT', abort);
        process.once('SIGTERM', abort);
      }
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
