/**
 * `ctrscope replay DIR`: a recording played through the same engine and view. On a terminal it
 * stays open after the end (q quits); otherwise it prints plain snapshots and exits at the end.
 */
import { frontendFor, type Frontend } from '../ui/frontend.js';
import { effectHandler } from './live-effects.js';
import { sessionShell } from './session-shell.js';
import { readRecording, ReplayFeed } from './replay.js';

export interface ReplayOptions {
  dir: string;
  speed: number;
  intervalMs?: number;
  out?: NodeJS.WriteStream;
}

export async function runReplay(o: ReplayOptions): Promise<number> {
  const rec = readRecording(o.dir);
  const feed = new ReplayFeed(rec, o.speed);
  const engine = feed.engine;
  const out = o.out ?? process.stdout;
  let ui: Frontend | null = null;
  const timers: NodeJS.Timeout[] = [];
  const { shutdown, done } = sessionShell(async () => {
    timers.forEach(clearInterval);
    ui?.close();
  });
  const onEffect = effectHandler({
    quit: () => void shutdown(),
    reset: () => engine.reset(),
    snapshot: () => engine.snapshot(),
    strace: (pid, label, dispatch) => dispatch({ type: 'strace', view: { pid, label, state: 'failed', lines: ['strace cannot run in a replay: the process is on the recorded host'] } }),
  });
  const opened = frontendFor(onEffect, out);
  const tty = opened.tty;
  ui = opened.ui;
  const start = Date.now();
  timers.push(setInterval(() => feed.advanceTo((Date.now() - start) * o.speed), 50));
  const tick = () => {
    ui?.show(engine.snapshot());
    if (!tty && feed.finished) void shutdown();
  };
  timers.push(setInterval(tick, o.intervalMs ?? (tty ? 500 : 1000)));
  return done;
}
