/**
 * `ctrscope replay DIR`: a recording played through the same engine and view. On a terminal it
 * stays open after the end (q quits); otherwise it prints plain snapshots and exits at the end.
 */
import { canUseTerminal, plainFrontend, terminalFrontend, type Frontend } from '../ui/frontend.js';
import type { Effect, UiAction } from '../ui/state.js';
import { exportStacks } from './live-effects.js';
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
  const tty = canUseTerminal(out);
  let finish!: (code: number) => void;
  const done = new Promise<number>((r) => (finish = r));
  let ui: Frontend | null = null;
  const timers: NodeJS.Timeout[] = [];
  const signals = ['SIGINT', 'SIGTERM', 'SIGHUP'] as const;
  let ended = false;
  const shutdown = () => {
    if (ended) return;
    ended = true;
    timers.forEach(clearInterval);
    for (const s of signals) process.off(s, shutdown);
    ui?.close();
    finish(0);
  };
  for (const s of signals) process.on(s, shutdown);
  const onEffect = (e: Effect, dispatch: (a: UiAction) => void) => {
    if (e.type === 'quit') shutdown();
    else if (e.type === 'reset') engine.reset();
    else if (e.type === 'export') dispatch({ type: 'notice', ...exportStacks(engine.snapshot()) });
    else if (e.type === 'strace') dispatch({ type: 'strace', view: { pid: e.pid, label: e.label, state: 'failed', lines: ['strace cannot run in a replay: the process is on the recorded host'] } });
  };
  ui = tty ? terminalFrontend(onEffect, out) : plainFrontend(out);
  const start = Date.now();
  timers.push(setInterval(() => feed.advanceTo((Date.now() - start) * o.speed), 50));
  const tick = () => {
    ui?.show(engine.snapshot());
    if (!tty && feed.finished) shutdown();
  };
  timers.push(setInterval(tick, o.intervalMs ?? (tty ? 500 : 1000)));
  return done;
}
