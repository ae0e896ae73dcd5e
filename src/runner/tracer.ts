/**
 * The one place that starts tracers. Every tracer:
 *  - runs under `setpriv --pdeathsig KILL` and a guard that checks, after the death signal is
 *    armed, that its parent is still this process, so it dies with ctrscope even on SIGKILL;
 *  - carries CTRSCOPE_SESSION=<our pid> in its environment, so a later ctrscope can find and stop
 *    tracers an earlier one left (see janitor.ts);
 *  - is spawned and read by the one drain thread all tracers share (drain-pool.ts,
 *    drain-worker.ts), which always drains its pipes; when we fall behind, output is dropped and
 *    counted, never left to block the tracer;
 *  - is watched: stopped (SIGSTOP, state T) or silent past its deadline, it is killed and the
 *    reason recorded;
 *  - is stopped with SIGINT, then SIGTERM, then SIGKILL on deadlines, by its PID (one ladder,
 *    however often stop() is called).
 * The watchdog and the stop ladder run here, on the main thread.
 */
import { LineSplitter } from '../../parsers/lines.js';
import { statFields } from '../targets/procfs.js';
import { drain, type DrainEvent, type Drained, type ReadOn } from './drain-pool.js';
import { sleep } from '../util/sleep.js';

export const SESSION_ENV = 'CTRSCOPE_SESSION';

/** What to run. argv[0] is the tool; nothing here passes through a shell. */
export interface TracerSpec {
  /** Short name shown to people: "bpftrace", "perf stat", "strace". */
  label: string;
  argv: string[];
  env?: Record<string, string>;
  /** Stop deadlines in ms: after SIGINT, then after SIGTERM. */
  graceMs?: number;
  termMs?: number;
  /** Kill the tracer when it stays stopped (state T) this long. Default 2000 ms. */
  stoppedDeadlineMs?: number;
  /** Kill the tracer when it prints nothing on stdout this long (for tracers that print on an interval). */
  silenceDeadlineMs?: number;
  /** Bytes handed to us but not yet parsed before output is dropped. Default 32 MiB. */
  maxInflightBytes?: number;
  /** Where its pipes are read (drain-pool.ts ReadOn). Default 'thread'. */
  readOn?: ReadOn;
}

export interface TracerExit {
  code: number | null;
  signal: string | null;
  /** How the tracer ended: on its own, by our stop ladder, or by the watchdog. */
  endedBy: 'self' | 'SIGINT' | 'SIGTERM' | 'SIGKILL' | 'watchdog';
  /** Why the watchdog killed it, when it did. */
  watchdog?: string;
  stderrTail: string[];
  droppedBytes: number;
  droppedLines: number;
}

export interface TracerHandlers {
  onStdoutLine?: (line: string) => void;
  /** stdout in blocks of whole lines as they were drained (for recordings: the same text the lines come from). */
  onStdoutChunk?: (text: string) => void;
  onStderrLine?: (line: string) => void;
  /** Output was dropped because we fell behind. */
  onDropped?: (bytes: number, lines: number) => void;
  /** The watchdog killed the tracer. */
  onWatchdog?: (why: string) => void;
}

// The guard runs after setpriv armed PR_SET_PDEATHSIG: if our parent already died in between,
// $PPID is no longer ctrscope and the tracer must not start. Fixed program text; every value
// arrives as an argument.
const GUARD = '[ "$PPID" = "$1" ] || exit 125; shift; exec "$@"';

/** How long a tracer has after SIGINT before SIGTERM, unless its spec says otherwise. */
export const DEFAULT_GRACE_MS = 4000;

/** The argv that actually runs: setpriv, then the parent guard, then the tracer. */
export function guardedArgv(argv: string[], parentPid = process.pid): string[] {
  return ['setpriv', '--pdeathsig', 'KILL', '--', '/bin/sh', '-c', GUARD, 'ctrscope-guard', String(parentPid), ...argv];
}

export class Tracer {
  readonly spec: TracerSpec;
  private drained?: Drained;
  private childPid?: number;
  private exitInfo?: TracerExit;
  private exitPromise?: Promise<TracerExit>;
  private stopping: TracerExit['endedBy'] = 'self';
  private watchdogWhy?: string;
  private readonly stderrTail: string[] = [];
  private dropped = { bytes: 0, lines: 0 };
  private lastOutput = 0;
  private watchTimer?: NodeJS.Timeout;
  private stoppedSince = 0;
  private spawned?: Promise<number | undefined>;
  private stopLadder?: Promise<TracerExit>;
  startedAt = 0;

  constructor(spec: TracerSpec) {
    this.spec = spec;
  }

  get pid(): number | undefined {
    return this.childPid;
  }
  get exited(): TracerExit | undefined {
    return this.exitInfo;
  }
  get droppedLines(): number {
    return this.dropped.lines;
  }

  start(h: TracerHandlers = {}): void {
    if (this.drained) throw new Error('tracer already started');
    const env: Record<string, string> = {};
    for (const [k, v] of Object.entries(process.env)) if (v !== undefined) env[k] = v;
    Object.assign(env, this.spec.env, { [SESSION_ENV]: String(process.pid) });
    this.startedAt = this.lastOutput = Date.now();
    const out = new LineSplitter();
    const err = new LineSplitter();
    const onErrLine = (l: string) => {
      this.stderrTail.push(l);
      if (this.stderrTail.length > 50) this.stderrTail.shift();
      h.onStderrLine?.(l);
    };
    const onOutLine = (l: string) => h.onStdoutLine?.(l);
    let resolveSpawned!: (pid: number | undefined) => void;
    this.spawned = new Promise((r) => (resolveSpawned = r));
    let resolveExit!: (x: TracerExit) => void;
    this.exitPromise = new Promise<TracerExit>((r) => (resolveExit = r));
    const finish = (code: number | null, signal: string | null) => {
      if (this.exitInfo) return;
      clearInterval(this.watchTimer);
      out.end(onOutLine);
      err.end(onErrLine);
      this.exitInfo = {
        code,
        signal,
        endedBy: this.watchdogWhy ? 'watchdog' : this.stopping,
        watchdog: this.watchdogWhy,
        stderrTail: this.stderrTail,
        droppedBytes: this.dropped.bytes,
        droppedLines: this.dropped.lines,
      };
      resolveSpawned(undefined);
      resolveExit(this.exitInfo);
    };
    const onEvent = (m: DrainEvent) => {
      switch (m.kind) {
        case 'spawned':
          this.childPid = m.pid;
          resolveSpawned(m.pid);
          break;
        case 'out':
          this.lastOutput = Date.now();
          // The block of whole lines is also the chunk a recording keeps: one copy across threads.
          h.onStdoutChunk?.(m.text);
          out.push(m.text, onOutLine);
          drained.consumed(m.bytes);
          break;
        case 'err':
          err.push(m.text, onErrLine);
          drained.consumed(m.bytes);
          break;
        case 'dropped':
          this.dropped.bytes += m.bytes;
          this.dropped.lines += m.lines;
          h.onDropped?.(m.bytes, m.lines);
          break;
        case 'error':
          this.stderrTail.push(m.message);
          finish(null, null);
          break;
        case 'exit':
          finish(m.code, m.signal);
          break;
      }
    };
    const drained = drain({ argv: guardedArgv(this.spec.argv), env, maxInflight: this.spec.maxInflightBytes ?? 32 << 20 }, onEvent, this.spec.readOn);
    this.drained = drained;
    if (this.exitInfo) return; // could not spawn (read on this thread, that is known at once)
    // A tracer read on this thread (bpftrace) harms nobody while stopped: looked at each second, not
    // four times (each look is a /proc read and a wake-up of the process). The stopped deadline
    // still holds to within that second; a deadline under it is looked at as often as it needs.
    const every = this.spec.readOn === 'main' ? Math.min(1000, this.spec.stoppedDeadlineMs ?? 1000) : 250;
    this.watchTimer = setInterval(() => this.watch(h), every);
    this.watchTimer.unref();
  }

  /** Resolves with the tracer's pid once it is running (undefined when it could not start). */
  whenSpawned(): Promise<number | undefined> {
    if (!this.spawned) throw new Error('tracer not started');
    return this.spawned;
  }

  private watch(h: TracerHandlers): void {
    const pid = this.childPid;
    if (!pid || this.exitInfo || this.stopping !== 'self') return;
    const st = statFields(pid);
    const now = Date.now();
    let why: string | undefined;
    if (st && (st.state === 'T' || st.state === 't')) {
      this.stoppedSince ||= now;
      const limit = this.spec.stoppedDeadlineMs ?? 2000;
      if (now - this.stoppedSince >= limit) why = `${this.spec.label} (pid ${pid}) was stopped for ${((now - this.stoppedSince) / 1000).toFixed(1)} s`;
    } else this.stoppedSince = 0;
    const silence = this.spec.silenceDeadlineMs;
    if (!why && silence && now - this.lastOutput >= silence) why = `${this.spec.label} (pid ${pid}) printed nothing for ${((now - this.lastOutput) / 1000).toFixed(1)} s`;
    if (!why) return;
    this.watchdogWhy = `${why}; killed it so it cannot hold its targets`;
    h.onWatchdog?.(this.watchdogWhy);
    this.signal('SIGKILL');
  }

  /** Resolves when the tracer has exited, however that happened. */
  wait(): Promise<TracerExit> {
    if (!this.exitPromise) throw new Error('tracer not started');
    return this.exitPromise;
  }

  /**
   * Stops the tracer: SIGINT, then SIGTERM after graceMs, then SIGKILL after termMs. A second
   * call while the ladder runs joins it rather than starting another.
   */
  async stop(): Promise<TracerExit> {
    if (!this.exitPromise) throw new Error('tracer not started');
    if (this.exitInfo) return this.exitInfo;
    this.stopLadder ??= this.ladder(this.exitPromise);
    return this.stopLadder;
  }

  private async ladder(exited: Promise<TracerExit>): Promise<TracerExit> {
    await this.spawned;
    const steps: Array<['SIGINT' | 'SIGTERM' | 'SIGKILL', number]> = [
      ['SIGINT', this.spec.graceMs ?? DEFAULT_GRACE_MS],
      ['SIGTERM', this.spec.termMs ?? 2000],
      ['SIGKILL', 5000],
    ];
    for (const [sig, ms] of steps) {
      this.stopping = sig;
      // A stopped tracer cannot act on SIGINT: let it run again first.
      if (sig !== 'SIGKILL') this.signal('SIGCONT');
      this.signal(sig);
      const done = await Promise.race([exited.then(() => true), sleep(ms).then(() => false)]);
      if (done) break;
    }
    return exited;
  }

  /** Sends a signal to the tracer by PID; a tracer that is already gone is not an error. */
  signal(sig: NodeJS.Signals): void {
    const pid = this.childPid;
    if (!pid || this.exitInfo) return;
    try {
      process.kill(pid, sig);
    } catch {
      // ESRCH: it exited between our check and the signal.
    }
  }
}

// unref: a pending deadline must not keep ctrscope alive once the tracer has exited.
