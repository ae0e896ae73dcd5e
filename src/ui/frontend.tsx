/**
 * Where snapshots go: the full-screen Ink view on a terminal (alternate screen, at most 10 frames
 * a second), or plain-text snapshots when stdout is not a terminal.
 */
import { render, type Instance } from 'ink';
import type { LiveSnapshot } from '../session/live-types.js';
import { App } from './App.js';
import { plainSnapshot } from './plain.js';
import { initialState, type Effect, type UiAction } from './state.js';
import { UiStore } from './store.js';

export interface Frontend {
  show(snap: LiveSnapshot): void;
  dispatch(a: UiAction): void;
  /** Restores the terminal. Safe to call twice. */
  close(): void;
}

/** The full-screen view needs a terminal on both sides: keys come from stdin in raw mode. */
export function canUseTerminal(out: NodeJS.WriteStream = process.stdout, input: NodeJS.ReadStream = process.stdin): boolean {
  return !!out.isTTY && !!input.isTTY && typeof input.setRawMode === 'function';
}

const ALT_ON = '\x1b[?1049h';
const ALT_OFF = '\x1b[?1049l';

export function terminalFrontend(onEffect: (e: Effect, dispatch: (a: UiAction) => void) => void, out: NodeJS.WriteStream = process.stdout): Frontend {
  const store = new UiStore(initialState(out.columns || 80, out.rows || 24), onEffect);
  out.write(ALT_ON);
  let ink: Instance | null = render(<App store={store} />, { stdout: out, exitOnCtrlC: false, maxFps: 10, patchConsole: true });
  return {
    show: (snap) => store.dispatch({ type: 'snapshot', snapshot: snap }),
    dispatch: store.dispatch,
    close: () => {
      if (!ink) return;
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
  return {
    show: (snap) => {
      if (snap.seq === last) return;
      last = snap.seq;
      out.write(`--- ctrscope ${snap.session.mode} t=${(snap.t / 1000).toFixed(1)}s ---\n${plainSnapshot(snap, width)}`);
    },
    dispatch: () => undefined,
    close: () => undefined,
  };
}
