/**
 * The load behind `ctrscope --demo`: a few long-running containers (so shims stay visible) and a
 * loop that starts short-lived ones one after another, all from the test image in namespace
 * `ctrscope`, like scripts/load.sh. stop() removes everything it started.
 */
import { CtrscopeError } from '../errors.js';
import { ctrHasImage, ctrRemoveAll, ctrRun, type CtrTarget } from './ctr.js';
import { run } from './exec.js';
import { readProc } from '../targets/procfs.js';

/** Is pid a running ctrscope (its command line names our CLI)? */
function isCtrscope(pid: number): boolean {
  const cmd = readProc(pid, 'cmdline');
  return cmd !== null && /ctrscope|cli\.js/.test(cmd);
}

export interface LoadOptions {
  namespace?: string;
  image?: string;
  address?: string;
  /** Pause between two short-lived containers, ms. */
  pauseMs?: number;
  /** How many long-running containers to keep. */
  idle?: number;
}

export interface LoadCounts {
  started: number;
  failed: number;
  running: number;
}

export class DemoLoad {
  readonly prefix = `ctrscope-demo-${process.pid}-`;
  private readonly target: CtrTarget;
  private readonly image: string;
  private active = false;
  private loop?: Promise<void>;
  private wake?: () => void;
  private idleUp = 0;
  private inFlight = 0;
  private counts = { started: 0, failed: 0 };
  lastError: string | null = null;
  /** Containers left by earlier demos whose ctrscope had died, removed at start. */
  orphansRemoved = 0;

  constructor(private readonly o: LoadOptions = {}) {
    this.target = { namespace: o.namespace ?? process.env.CTRSCOPE_NAMESPACE ?? 'ctrscope', address: o.address ?? process.env.CONTAINERD_ADDRESS };
    this.image = o.image ?? process.env.CTRSCOPE_IMAGE ?? 'docker.io/library/busybox:latest';
  }

  get stats(): LoadCounts {
    return { ...this.counts, running: this.idleUp + this.inFlight };
  }

  /** Checks the image is there, starts the long-running containers, then the loop. */
  async start(): Promise<void> {
    if (!(await ctrHasImage(this.target, this.image)))
      throw new CtrscopeError('containerd', `--demo needs the image ${this.image} in namespace ${this.target.namespace}, and ctr could not find it`, 'scripts/setup.sh imports it');
    await this.removeOrphans();
    this.active = true;
    const addr = this.target.address ? ['--address', this.target.address] : [];
    for (let k = 1; k <= (this.o.idle ?? 2); k++) {
      const r = await run(['ctr', ...addr, '-n', this.target.namespace, 'run', '-d', this.image, `${this.prefix}idle-${k}`, 'sleep', '3600'], 30_000);
      if (r.code === 0) this.idleUp++;
      else this.note(r.stderr);
    }
    this.loop = this.churn();
  }

  /** Containers of an earlier --demo whose ctrscope is gone (killed with SIGKILL, say) are removed. */
  private async removeOrphans(): Promise<void> {
    const ls = await run(['ctr', ...(this.target.address ? ['--address', this.target.address] : []), '-n', this.target.namespace, 'containers', 'ls', '-q']);
    const dead = new Set<number>();
    for (const id of ls.stdout.split('\n')) {
      const m = /^ctrscope-demo-(\d+)-/.exec(id);
      if (!m) continue;
      const pid = Number(m[1]);
      if (pid !== process.pid && !isCtrscope(pid)) dead.add(pid);
    }
    for (const pid of dead) this.orphansRemoved += (await ctrRemoveAll(this.target, `ctrscope-demo-${pid}-`)).length;
  }

  private note(stderr: string): void {
    this.counts.failed++;
    this.lastError = stderr.trim().split('\n').pop()?.slice(0, 200) ?? null;
  }

  private async churn(): Promise<void> {
    for (let i = 1; this.active; i++) {
      this.inFlight = 1;
      const r = await ctrRun(this.target, this.image, `${this.prefix}${i}`, ['echo', 'hi'], 30_000);
      this.inFlight = 0;
      if (r.code === 0) this.counts.started++;
      else this.note(r.stderr);
      if (!this.active) break;
      await new Promise<void>((res) => {
        this.wake = res;
        setTimeout(res, this.o.pauseMs ?? 300);
      });
    }
  }

  /** Ends the loop and removes every container this load made (running tasks are killed). */
  async stop(): Promise<void> {
    if (!this.active && !this.loop) return;
    this.active = false;
    this.wake?.();
    await this.loop;
    this.loop = undefined;
    await ctrRemoveAll(this.target, this.prefix);
    this.idleUp = 0;
  }
}
