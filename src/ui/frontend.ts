/**
 * Where snapshots go: the full-screen view on a terminal (alternate screen, snapshots drawn at
 * most twice a second, keys at once, only changed rows written), or plain-text snapshots when
 * stdout is not a terminal. Both report how long each frame took.
 */
// First: it picks React's build. No JSX in this file: TypeScript would import react/jsx-runtime before it.
import './production.js';
import { render, type Instance } from 'ink';
import { createElement } from 'react';
import type { LiveSnapshot } from '../live-model/types.js';
import { App } from './App.js';
import { LineWriter } from './line-writer.js';
import { ScreenMemo, screenLines } from './screen.js';
import { SnapshotGate } from './gate.js';
import { plainSnapshot } from './plain.js';
import { initialState, type Effect, type UiAction, type UiState } from './state.js';
import { UiStore } from './store.js';

export interface Frontend {
  show(snap: LiveSnapshot): void;
  dispatch(a: UiAction): void;
  /**
   * The frames drawn since the last call, as wall-clock ms each: from the change (a snapshot let
   * through, a key) to the frame written to the terminal. Clears them.
   */
  frameTimes(): number[];
  /** Restores the terminal. Safe to call twice. */
  close(): void;
}

/** The full-screen view needs a terminal on both sides: keys come from stdin in raw mode. */
export function canUseTerminal(out: NodeJS.WriteStream = process.stdout, input: NodeJS.ReadStream = process.stdin): boolean {
  return !!out.isTTY && !!input.isTTY && typeof input.setRawMode === 'function';
}

/** Snapshots arrive once a second; the terminal never gets more than this many of them a second. */
export const SNAPSHOT_FPS = 2;

const ALT_ON = '\x1b[?1049h';
const ALT_OFF = '\x1b[?1049l';

export interface TerminalOptions {
  /** Keys from here instead of process.stdin (tests); console output is then left alone. */
  stdin?: NodeJS.ReadStream;
}

/**
 * The full-screen view: Ink reads the keys and the resizes (App), the store holds the state, and
 * every state change is drawn at once by LineWriter (only the rows that changed). Snapshots pass
 * a gate first (at most SNAPSHOT_FPS a second, the newest wins); keys change the view at once.
 */
export function terminalFrontend(onEffect: (e: Effect, dispatch: (a: UiAction) => void) => void, out: NodeJS.WriteStream = process.stdout, o: TerminalOptions = {}): Frontend {
  const store = new UiStore(initialState(out.columns || 80, out.rows || 24), onEffect);
  const times: number[] = [];
  const memo = new ScreenMemo();
  const writer = new LineWriter(out);
  let drawn: UiState | null = null;
  let open = true;
  const draw = () => {
    const s = store.getState();
    if (!open || s === drawn) return;
    const t0 = performance.now();
    if (drawn && (drawn.cols !== s.cols || drawn.rows !== s.rows)) writer.invalidate();
    // One row short of the terminal: writing its last cell would scroll some terminals.
    writer.draw(screenLines(s, memo), Math.max(1, s.rows - 1));
    drawn = s;
    times.push(performance.now() - t0);
  };
  store.subscribe(draw);
  const gate = new SnapshotGate<LiveSnapshot>(1000 / SNAPSHOT_FPS, (snap) => store.dispatch({ type: 'snapshot', snapshot: snap }));
  out.write(ALT_ON);
  let ink: Instance | null = render(createElement(App, { store }), { stdout: out, ...(o.stdin ? { stdin: o.stdin } : {}), exitOnCtrlC: false, patchConsole: !o.stdin });
  draw();
  return {
    show: (snap) => gate.push(snap),
    dispatch: store.dispatch,
    frameTimes: () => times.splice(0),
    close: () => {
      if (!ink) return;
      open = false;
      gate.close();
      ink.unmount();
      ink.cleanup();
      ink = null;
      writer.close();
      out.write(ALT_OFF);
    },
  };
}

/** Prints one plain-text snapshot per call to show(); effects never happen (there are no keys). */
export function plainFrontend(out: NodeJS.WritableStream = process.stdout, width = 100): Frontend {
  let last = -1;
  const times: number[] = [];
  return {
    show: (snap) => {
      if (snap.seq === last) return;
      last = snap.seq;
      const t0 = performance.now();
      out.write(`--- ctrscope ${snap.session.mode} t=${(snap.t / 1000).toFixed(1)}s ---\n${plainSnapshot(snap, width)}`);
      times.push(performance.now() - t0);
    },
    dispatch: () => undefined,
    frameTimes: () => times.splice(0),
    close: () => undefined,
  };
}

/** The terminal view when stdin and out are a terminal, plain snapshots otherwise. */
export function frontendFor(onEffect: (e: Effect, dispatch: (a: UiAction) => void) => void, out: NodeJS.WriteStream = process.stdout): { ui: Frontend; tty: boolean } {
  const tty = canUseTerminal(out);
  return { ui: tty ? terminalFrontend(onEffect, out) : plainFrontend(out), tty };
}
