/** What the live view's keys do outside the UI: export the hot stacks, run strace on a target. */
import { resolve } from 'node:path';
import { CtrscopeError } from '../errors.js';
import { writeFileAtomic } from '../output/write-file.js';
import { foldedText } from '../../parsers/bpftrace-stacks.js';
import { renderFlameGraph } from '../flame/render.js';
import type { LiveSnapshot } from '../live-model/types.js';
import type { Effect, UiAction } from '../ui/state.js';

export type Notice = { text: string; level: 'info' | 'error' };

const stamp = (d: Date) => d.toISOString().replace(/[-:]/g, '').replace(/\.\d+Z$/, '').replace('T', '-');

/**
 * Writes the snapshot's folded stacks to ./ctrscope-stacks-<time>.folded and their flame graph
 * (ctrscope's renderer, the containerd palette) beside it as .svg; never over a file.
 */
export function exportStacks(snap: LiveSnapshot | null, dir = process.cwd(), now = new Date()): Notice {
  const st = snap?.stacks;
  if (!st || st.folded.length === 0) return { text: 'nothing to export: no stacks yet (the stacks panel waits for probe cpu-profile)', level: 'error' };
  const base = resolve(dir, `ctrscope-stacks-${stamp(now)}`);
  try {
    writeFileAtomic(`${base}.folded`, foldedText(new Map(st.folded)), false);
    const title = `ctrscope: hot stacks, ${now.toISOString().slice(0, 19).replace('T', ' ')} UTC`;
    writeFileAtomic(`${base}.svg`, renderFlameGraph(st.folded, { title, colors: 'containerd' }), false);
  } catch (e) {
    return { text: e instanceof CtrscopeError ? e.line() : `export failed: ${(e as Error).message}`, level: 'error' };
  }
  return { text: `wrote ${base}.folded and .svg (${st.folded.length} stacks, ${st.samples} samples; open the .svg in a browser)`, level: 'info' };
}

/** What a session does for the keys that reach outside the UI (live and replay differ only here). */
export interface EffectActions {
  quit(): void;
  reset(): void;
  snapshot(): LiveSnapshot | null;
  strace(pid: number, label: string, dispatch: (a: UiAction) => void): void;
}

/** The frontend's effect callback for a session: q, r, e and s. */
export function effectHandler(a: EffectActions): (e: Effect, dispatch: (a: UiAction) => void) => void {
  return (e, dispatch) => {
    switch (e.type) {
      case 'quit':
        a.quit();
        break;
      case 'reset':
        a.reset();
        break;
      case 'export':
        dispatch({ type: 'notice', ...exportStacks(a.snapshot()) });
        break;
      case 'strace':
        a.strace(e.pid, e.label, dispatch);
        break;
    }
  };
}
