/**
 * `journalctl -o json` for containerd's entries, one JSON record a line (with -f, until stopped):
 * by unit (-u NAME: what systemd ran) or by identifier (-t NAME: what a process wrote to journald
 * under that name, e.g. through systemd-cat or syslog), from the system journal or a directory (-D).
 */
import { Tracer } from './tracer.js';
import type { ReadOn } from './drain-pool.js';

export interface JournalQuery {
  /** The unit or identifier. */
  name: string;
  /** Default 'unit'. */
  match?: 'unit' | 'identifier';
  /** A journal directory instead of the system's (journalctl -D). */
  directory?: string;
}

export function journalctlArgv(q: JournalQuery, opts: { sinceEpochSeconds?: number; untilEpochSeconds?: number; follow: boolean; lines?: number }): string[] {
  return [
    'journalctl',
    q.match === 'identifier' ? '-t' : '-u',
    q.name,
    ...(q.directory !== undefined ? ['-D', q.directory] : []),
    '-o',
    'json',
    '--no-pager',
    ...(opts.sinceEpochSeconds !== undefined ? [`--since=@${Math.floor(opts.sinceEpochSeconds)}`] : []),
    ...(opts.untilEpochSeconds !== undefined ? [`--until=@${Math.ceil(opts.untilEpochSeconds)}`] : []),
    ...(opts.lines !== undefined ? [`--lines=${opts.lines}`] : []),
    ...(opts.follow ? ['-f'] : []),
  ];
}

/** readOn 'main': a follow that prints a few lines a second needs no drain thread. */
export function journalctl(q: JournalQuery | string, opts: { sinceEpochSeconds?: number; untilEpochSeconds?: number; follow: boolean; lines?: number; readOn?: ReadOn }): Tracer {
  const query = typeof q === 'string' ? { name: q } : q;
  return new Tracer({ label: 'journalctl', argv: journalctlArgv(query, opts), graceMs: 500, readOn: opts.readOn });
}
