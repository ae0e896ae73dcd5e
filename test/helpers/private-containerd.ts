/**
 * A containerd of the tests' own: its own --root, --state and --address under a temp dir, so a
 * test may stop and restart it without touching the host's containerd.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { closeSync, mkdtempSync, openSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { waitFor } from './host.js';

export class PrivateContainerd {
  readonly dir = mkdtempSync(join(tmpdir(), 'ctrscope-cd-'));
  readonly address = join(this.dir, 'containerd.sock');
  /** Its stdout and stderr, when started with a logLevel. */
  readonly log = join(this.dir, 'containerd.log');
  private child?: ChildProcess;

  /** wrap: an argv that runs containerd (e.g. into journald: nsenter ... systemd-cat -t containerd). */
  constructor(private readonly opts: { logLevel?: 'debug' | 'info'; wrap?: string[] } = {}) {
    writeFileSync(
      join(this.dir, 'config.toml'),
      [
        'version = 2',
        `root = "${this.dir}/root"`,
        `state = "${this.dir}/state"`,
        'disabled_plugins = ["io.containerd.grpc.v1.cri"]',
        '[grpc]',
        `  address = "${this.address}"`,
        '[ttrpc]',
        `  address = "${this.address}.ttrpc"`,
        ...(opts.logLevel ? ['[debug]', `  level = "${opts.logLevel}"`] : []),
        '',
      ].join('\n'),
    );
  }

  get pid(): number | undefined {
    return this.child?.pid;
  }

  /**
   * Starts containerd and waits until `ctr version` answers on its socket. `pidBelow`: make the
   * kernel hand it a pid below this one (through ns_last_pid), for tests that need it to sort
   * before another containerd; a few low starting points are tried, as pids may be taken.
   */
  async start(opts: { pidBelow?: number } = {}): Promise<number> {
    const below = opts.pidBelow;
    const tries = below && below > 200 ? [Math.floor(below / 2), Math.floor(below / 4), 100] : [undefined];
    let child!: ChildProcess;
    for (const from of tries) {
      if (from !== undefined) writeFileSync('/proc/sys/kernel/ns_last_pid', String(from));
      const out = this.opts.logLevel ? openSync(this.log, 'a') : 'ignore';
      child = spawn('setpriv', ['--pdeathsig', 'TERM', '--', ...(this.opts.wrap ?? []), 'containerd', '--config', join(this.dir, 'config.toml'), '--address', this.address], { stdio: ['ignore', out, out] });
      if (typeof out === 'number') closeSync(out);
      if (!below || child.pid! < below || from === tries[tries.length - 1]) break;
      const gone = new Promise((r) => child.once('exit', r));
      child.kill('SIGKILL');
      await gone;
    }
    this.child = child;
    const ok = await waitFor(() => existsSync(this.address) && spawnSync('ctr', ['--address', this.address, 'version'], { stdio: 'ignore', timeout: 2000 }).status === 0, 15_000, 100);
    if (!ok) throw new Error('private containerd did not come up');
    return child.pid!;
  }

  /** Stops it by its pid and waits for it to exit. */
  async stop(): Promise<void> {
    await stopChild(this.child);
  }

  async dispose(): Promise<void> {
    await this.stop();
    rmSync(this.dir, { recursive: true, force: true });
  }
}

/** Stops a child the test started, by its pid: SIGTERM, SIGKILL after 5 s; waits for it to exit. */
export async function stopChild(c: ChildProcess | null | undefined): Promise<void> {
  if (!c || c.exitCode !== null || c.signalCode !== null) return;
  const exited = new Promise<void>((r) => c.once('exit', () => r()));
  c.kill('SIGTERM');
  const t = setTimeout(() => c.kill('SIGKILL'), 5000);
  await exited;
  clearTimeout(t);
}
