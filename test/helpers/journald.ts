/**
 * A systemd-journald of the tests' own, without systemd as PID 1: /lib/systemd/systemd-journald
 * run in a private mount namespace (unshare -m) where /run/systemd, /run/log and /var/log/journal
 * are bind mounts of a temp dir, so its sockets and journal files are its own and the host's
 * /run is untouched. Processes log into it through `nsenter -t PID -m` (systemd-cat, logger);
 * journalctl reads its files from outside with -D (journalDir). stop() ends it by its pid.
 */
import { stopChild } from './private-containerd.js';
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { waitFor } from './host.js';

export const JOURNALD = '/lib/systemd/systemd-journald';

export class PrivateJournald {
  readonly dir = mkdtempSync(join(tmpdir(), 'ctrscope-journald-'));
  /** What journalctl -D reads (journald writes DIR/<machine-id>/system.journal). */
  readonly journalDir = join(this.dir, 'run-log', 'journal');
  private child?: ChildProcess;

  get pid(): number | undefined {
    return this.child?.pid;
  }

  async start(): Promise<number> {
    for (const d of ['run-systemd', 'run-log', 'var-journal']) mkdirSync(join(this.dir, d));
    // The script's text is fixed; the paths arrive as arguments. exec: the pid is journald's.
    const script = 'mount --bind "$1/run-systemd" /run/systemd && mount --bind "$1/run-log" /run/log && mount --bind "$1/var-journal" /var/log/journal && exec "$2"';
    this.child = spawn('setpriv', ['--pdeathsig', 'TERM', '--', 'unshare', '-m', '--propagation', 'private', '--', 'sh', '-c', script, 'journald-ns', this.dir, JOURNALD], { stdio: 'ignore' });
    const ok = await waitFor(() => existsSync(join(this.dir, 'run-systemd', 'journal', 'stdout')), 10_000, 50);
    if (!ok) throw new Error('systemd-journald did not come up');
    return this.child.pid!;
  }

  /** argv prefix that runs a command inside journald's namespace, its stdout and stderr into the journal under `identifier`. */
  catArgv(identifier: string): string[] {
    return ['nsenter', '-t', String(this.pid), '-m', '--', 'systemd-cat', '-t', identifier];
  }

  async stop(): Promise<void> {
    await stopChild(this.child);
  }

  async dispose(): Promise<void> {
    await this.stop();
    rmSync(this.dir, { recursive: true, force: true });
  }
}
