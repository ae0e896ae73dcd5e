/**
 * Where snapshots go: the full-screen Ink view on a terminal (alternate screen, snapshots drawn at
 * most twice a second, keys at once), or plain-text snapshots when stdout is not a terminal.
 * Both report how long each frame took, for the recording.
 */
// First: it picks React's build. No JSX in this file: TypeScript would import react/jsx-runtime before it.
import './production.js';
import { render, type Instance } from 'ink';
import { createElement } from 'react';
import type { LiveSnapshot } from '../live-model/types.js';
import { App } from './App.js';
import { SnapshotGate } from './gate.js';
import { plainSnapshot } from './plain.js';
import { initialState, type Effect, type UiAction } from './state.js';
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

/** Snapshots arrive every 500 ms; the terminal gets at most this many of them a second. */
export const SNAPSHOT_FPS = 2;

/**
 * Ink's own throttle is a debounce (leading edge, then 1000/maxFps after the last change): at
 * maxFps 2 a key pressed just after a snapshot frame waited up to 500 ms. So the snapshots are
 * gated here instead, and Ink's cap only bounds a key held down.
 *
 * No incrementalRendering: in ink 6.8 it moves the cursor up one line too few when the frame ends
 * in a newline, which it does whenever the frame is shorter than the terminal (ours is rows - 1
 * lines, so Ink never clears the whole terminal per frame): in a real terminal every frame landed
 * one line low. Unchanged lines are still not rebuilt or re-rendered by React, only re-written.
 */
export const INK_OPTIONS = { maxFps: 30, incrementalRendering: false } as const;

const ALT_ON = '\x1b[?1049h';
const ALT_OFF = '\x1b[?1049l';

export interface TerminalOptions {
  /** Keys from here instead of process.stdin (tests); console output is then left alone. */
  stdin?: NodeJS.ReadStream;
}

export function terminalFrontend(onEffect: (e: Effect, dispatch: (a: UiAction) => void) => void, out: NodeJS.WriteStream = process.stdout, o: TerminalOptions = {}): Frontend {
  const store = new UiStore(initialState(out.columns || 80, out.rows || 24), onEffect);
  const times: number[] = [];
  // When the state first changed since the last frame; subscribed before App, so it runs first.
  let since: number | null = null;
  store.subscribe(() => {
    since ??= performance.now();
  });
  const onRender = () => {
    if (since === null) return;
    const t0 = since;
    since = null;
    // Ink writes the frame right after this callback, in the same synchronous run.
    queueMicrotask(() => times.push(performance.now() - t0));
  };
  const gate = new SnapshotGate<LiveSnapshot>(1000 / SNAPSHOT_FPS, (snap) => store.dispatch({ type: 'snapshot', snapshot: snap }));
  out.write(ALT_ON);
  let ink: Instance | null = render(createElement(App, { store }), { ...INK_OPTIONS, stdout: out, ...(o.stdin ? { stdin: o.stdin } : {}), exitOnCtrlC: false, patchConsole: !o.stdin, onRender });
  return {
    show: (snap) => gate.push(snap),
    dispatch: store.dispatch,
    frameTimes: () => times.splice(0),
    close: () => {
      if (!ink) return;
      gate.close();
      ink.unmount();
      ink.cleanup();
      ink = null;
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
