/**
 * The one place that starts tracers. Every tracer:
 *  - runs under `setpriv --pdeathsig KILL` and a guard that checks, after the death signal is
 *    armed, that its parent is still this process, so it dies with ctrscope even on SIGKILL;
 *  - carries CTRSCOPE_SESSION=<our pid> in its environment, so a later ctrscope can find and stop
 *    tracers an earlier one left (see janitor.ts);
 *  - has its stdout and stderr drained all the time, line by line;
 *  - is stopped with SIGINT, then SIGTERM, then SIGKILL on deadlines, by its PID.
 */
import { execa, type ResultPromise } from 'execa';
import { LineSplitter } from '../../parsers/lines.js';

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
}

export interface TracerExit {
  code: number | null;
  signal: string | null;
  /** How the tracer ended: on its own, or by which of our signals. */
  endedBy: 'self' | 'SIGINT' | 'SIGTERM' | 'SIGKILL';
  stderrTail: string[];
}

export interface TracerHandlers {
  onStdoutLine?: (line: string) => void;
  /** Receives raw chunks before line splitting (for --record). */
  onStdoutChunk?: (chunk: Buffer) => void;
  onStderrLine?: (line: string) => void;
}

// The guard runs after setpriv armed PR_SET_PDEATHSIG: if our parent already died in between,
// $PPID is no longer ctrscope and the tracer must not start. Fixed program text; every value
// arrives as an argument.
const GUARD = '[ "$PPID" = "$1" ] || exit 125; shift; exec "$@"';

/** The argv that actually runs: setpriv, then the parent guard, then the tracer. */
export function guardedArgv(argv: string[], parentPid = process.pid): string[] {
  return ['setpriv', '--pdeathsig', 'KILL', '--', '/bin/sh', '-c', GUARD, 'ctrscope-guard', String(parentPid), ...argv];
}

export class Tracer {
  readonly spec: TracerSpec;
  private child?: ResultPromise;
  private exitInfo?: TracerExit;
  private exitPromise?: Promise<TracerExit>;
  private stopping: TracerExit['endedBy'] = 'self';
  private readonly stderrTail: string[] = [];
  startedAt = 0;

  constructor(spec: TracerSpec) {
    this.spec = spec;
  }

  get pid(): number | undefined {
    return this.child?.pid;
  }
  get exited(): TracerExit | undefined {
    return this.exitInfo;
  }

  start(h: TracerHandlers = {}): void {
    if (this.child) throw new Error('tracer already started');
    const [file, ...args] = guardedArgv(this.spec.argv);
    const child = execa(file!, args, {
      buffer: false,
      stdin: 'ignore',
      reject: false,
      cleanup: true,
      env: { ...this.spec.env, [SESSION_ENV]: String(process.pid) },
      // Tracers must not share our process group: Ctrl-C in a terminal goes to us, and we
      // decide how to stop them (SIGINT lets bpftrace print its final maps).
      detached: true,
    });
    this.child = child;
    this.startedAt = Date.now();
    const out = new LineSplitter();
    const err = new LineSplitter();
    const onErrLine = (l: string) => {
      this.stderrTail.push(l);
      if (this.stderrTail.length > 50) this.stderrTail.shift();
      h.onStderrLine?.(l);
    };
    const onOutLine = (l: string) => h.onStdoutLine?.(l);
    child.stdout!.on('data', (c: Buffer) => {
      h.onStdoutChunk?.(c);
      out.push(c, onOutLine);
    });
    child.stderr!.on('data', (c: Buffer) => err.push(c, onErrLine));
    this.exitPromise = new Promise<TracerExit>((resolve) => {
      child.on('close', (code, signal) => {
        out.end(onOutLine);
        err.end(onErrLine);
        this.exitInfo = { code, signal, endedBy: this.stopping, stderrTail: this.stderrTail };
        resolve(this.exitInfo);
      });
    });
    // A spawn failure (setpriv missing) surfaces through close with code null; keep it from
    // becoming an unhandled rejection.
    child.catch(() => undefined);
  }

  /** Resolves when the tracer has exited, however that happened. */
  wait(): Promise<TracerExit> {
    if (!this.exitPromise) throw new Error('tracer not started');
    return this.exitPromise;
  }

  /** Stops the tracer: SIGINT, then SIGTERM after graceMs, then SIGKILL after termMs. */
  async stop(): Promise<TracerExit> {
    if (!this.child || !this.exitPromise) throw new Error('tracer not started');
    if (this.exitInfo) return this.exitInfo;
    const steps: Array<['SIGINT' | 'SIGTERM' | 'SIGKILL', number]> = [
      ['SIGINT', this.spec.graceMs ?? 4000],
      ['SIGTERM', this.spec.termMs ?? 2000],
      ['SIGKILL', 5000],
    ];
    for (const [sig, ms] of steps) {
      this.stopping = sig;
      this.signal(sig);
      const done = await Promise.race([this.exitPromise.then(() => true), sleep(ms).then(() => false)]);
      if (done) break;
    }
    return this.exitPromise;
  }

  /** Sends a signal to the tracer by PID; a tracer that is already gone is not an error. */
  signal(sig: NodeJS.Signals): void {
    const pid = this.child?.pid;
    if (!pid || this.exitInfo) return;
    try {
      process.kill(pid, sig);
    } catch {
      // ESRCH: it exited between our check and the signal.
    }
  }
}

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms).unref());
