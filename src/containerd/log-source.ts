/**
 * Where containerd's log is: journald when containerd runs in a systemd unit (its cgroup names
 * the .service) and journalctl exists; else the file its stdout and stderr point at
 * (/proc/PID/fd/1 and 2); else the user must say (--file PATH or --unit NAME).
 */
import { existsSync, readFileSync, readlinkSync, statSync } from 'node:fs';
import { CtrscopeError } from '../errors.js';
import { discover } from '../targets/discover.js';

export type LogSource =
  | { kind: 'file'; paths: string[]; how: string }
  | { kind: 'journald'; unit: string; how: string; match?: 'unit' | 'identifier'; directory?: string };

export interface LogSourceOptions {
  file?: string;
  unit?: string;
  /** journald entries by SYSLOG_IDENTIFIER (journalctl -t) instead of by unit. */
  identifier?: string;
  /** A journal directory instead of the system journal (journalctl -D). */
  journalDir?: string;
}

const JOURNAL_NAME = /^[A-Za-z0-9@_.:\\-]{1,200}$/;

/** The journald source --unit / --identifier / --journal-dir name. */
function journalSource(o: LogSourceOptions, hasJournalctl: boolean): LogSource {
  const [flag, name] = o.identifier !== undefined ? ['--identifier', o.identifier] : ['--unit', o.unit!];
  if (!JOURNAL_NAME.test(name)) throw new CtrscopeError('usage', `${flag} ${JSON.stringify(name.slice(0, 60))}: not a systemd unit or identifier name`, `e.g. ${flag} containerd`);
  if (!hasJournalctl) throw new CtrscopeError('missingTool', `journalctl is not installed: ${flag} reads the systemd journal`, 'use --file PATH');
  if (o.journalDir !== undefined && !isDir(o.journalDir)) throw new CtrscopeError('usage', `--journal-dir ${JSON.stringify(o.journalDir.slice(0, 200))}: not a directory`, 'give a directory holding *.journal files');
  const match = o.identifier !== undefined ? ('identifier' as const) : ('unit' as const);
  const dir = o.journalDir !== undefined ? ` -D ${o.journalDir}` : '';
  return { kind: 'journald', unit: name, match, ...(o.journalDir !== undefined && { directory: o.journalDir }), how: `journalctl ${match === 'unit' ? '-u' : '-t'} ${name}${dir}` };
}

const isDir = (p: string) => {
  try {
    return statSync(p).isDirectory();
  } catch {
    return false;
  }
};

const isFile = (p: string) => {
  try {
    return statSync(p).isFile();
  } catch {
    return false;
  }
};

/** The systemd unit a process runs in, from its cgroup (v2 `0::/system.slice/X.service` or v1 name=systemd). */
export function systemdUnitOf(cgroupText: string): string | null {
  for (const line of cgroupText.split('\n')) {
    const path = line.split(':').slice(2).join(':');
    const m = /\/([^/]+\.service)(?:\/|$)/.exec(path);
    if (m && (line.startsWith('0::') || line.includes('name=systemd'))) return m[1]!.replace(/\.service$/, '');
  }
  return null;
}

export function findLogSource(o: LogSourceOptions, hasJournalctl = existsSync('/usr/bin/journalctl') || existsSync('/bin/journalctl')): LogSource {
  if (o.file !== undefined && o.unit !== undefined) throw new CtrscopeError('usage', '--file and --unit do not go together', 'read a file (--file PATH) or a systemd unit (--unit NAME)');
  if (o.identifier !== undefined && (o.unit !== undefined || o.file !== undefined)) throw new CtrscopeError('usage', `--identifier and ${o.unit !== undefined ? '--unit' : '--file'} do not go together`, 'read journald entries by unit (--unit NAME) or by identifier (--identifier NAME)');
  if (o.journalDir !== undefined && o.unit === undefined && o.identifier === undefined) throw new CtrscopeError('usage', '--journal-dir needs --unit NAME or --identifier NAME', 'e.g. --journal-dir DIR --identifier containerd');
  if (o.unit !== undefined || o.identifier !== undefined) return journalSource(o, hasJournalctl);
  if (o.file !== undefined) {
    if (!isFile(o.file)) throw new CtrscopeError('usage', `--file ${JSON.stringify(o.file.slice(0, 200))}: not a readable file`, 'give the path of containerd\'s log file');
    return { kind: 'file', paths: [o.file], how: `--file ${o.file}` };
  }
  const c = discover().containerd[0];
  if (!c) throw new CtrscopeError('containerd', 'no containerd process is running', 'give its log with --file PATH or --unit NAME');
  let cgroup = '';
  try {
    cgroup = readFileSync(`/proc/${c.pid}/cgroup`, 'utf8');
  } catch {
    /* gone or not readable: try its fds */
  }
  const unit = systemdUnitOf(cgroup);
  if (unit && hasJournalctl) return { kind: 'journald', unit, how: `journald: containerd (pid ${c.pid}) runs in ${unit}.service, read with journalctl -u ${unit}` };
  const targets = [1, 2].map((fd) => {
    try {
      return readlinkSync(`/proc/${c.pid}/fd/${fd}`);
    } catch {
      return '(unreadable)';
    }
  });
  const paths = [...new Set(targets.filter((t) => t.startsWith('/') && isFile(t)))];
  if (paths.length) return { kind: 'file', paths, how: `containerd (pid ${c.pid}) writes its stdout/stderr to ${paths.join(' and ')} (/proc/${c.pid}/fd/1, 2)` };
  throw new CtrscopeError('usage', `containerd (pid ${c.pid}) is not under systemd and its stdout/stderr go to ${targets.join(' and ')}, not a file`, 'give its log with --file PATH or --unit NAME');
}
