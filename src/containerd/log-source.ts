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
  | { kind: 'journald'; unit: string; how: string };

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

export function findLogSource(o: { file?: string; unit?: string }, hasJournalctl = existsSync('/usr/bin/journalctl') || existsSync('/bin/journalctl')): LogSource {
  if (o.file !== undefined && o.unit !== undefined) throw new CtrscopeError('usage', '--file and --unit do not go together', 'read a file (--file PATH) or a systemd unit (--unit NAME)');
  if (o.file !== undefined) {
    if (!isFile(o.file)) throw new CtrscopeError('usage', `--file ${JSON.stringify(o.file.slice(0, 200))}: not a readable file`, 'give the path of containerd\'s log file');
    return { kind: 'file', paths: [o.file], how: `--file ${o.file}` };
  }
  if (o.unit !== undefined) {
    if (!/^[A-Za-z0-9@_.:\\-]{1,200}$/.test(o.unit)) throw new CtrscopeError('usage', `--unit ${JSON.stringify(o.unit.slice(0, 60))}: not a systemd unit name`, 'e.g. --unit containerd');
    if (!hasJournalctl) throw new CtrscopeError('missingTool', 'journalctl is not installed: --unit reads the systemd journal', 'use --file PATH');
    return { kind: 'journald', unit: o.unit, how: `journalctl -u ${o.unit}` };
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
