/**
 * Where each panel goes for a terminal size. Pure: (cols, rows) → boxes. Two columns when there is
 * room, the focused panel alone (with a tab bar) when narrow, a message when too small.
 */
import type { PanelId } from '../live-model/types.js';

export const HEADER_ROWS = 3;
export const FOOTER_ROWS = 1;
/** Smallest terminal the single-panel layout fits in. */
export const MIN_COLS = 50;
export const MIN_ROWS = 14;

export interface PanelBox {
  id: PanelId;
  /** Rows including the panel's title line. */
  height: number;
}
export interface Column {
  width: number;
  panels: PanelBox[];
}

export type Layout =
  | { kind: 'too-small'; cols: number; rows: number }
  | { kind: 'grid'; body: number; columns: Column[] }
  | { kind: 'single'; body: number; width: number };

interface Spec {
  id: PanelId;
  min: number;
  /** 0: fixed at min. */
  weight: number;
}

/** Splits `total` rows: every panel gets its minimum, the rest goes by weight (remainder to the first). */
export function splitRows(total: number, specs: Spec[]): PanelBox[] {
  const base = specs.reduce((a, s) => a + s.min, 0);
  const spare = Math.max(0, total - base);
  const weights = specs.reduce((a, s) => a + s.weight, 0);
  const out = specs.map((s) => ({ id: s.id, height: s.min + (weights ? Math.floor((spare * s.weight) / weights) : 0) }));
  let left = total - out.reduce((a, b) => a + b.height, 0);
  for (let i = 0; left > 0 && out.length; i = (i + 1) % out.length) {
    if (specs[i]!.weight > 0 || weights === 0) {
      out[i]!.height++;
      left--;
    }
  }
  return out;
}

/** The screen uses rows - 1 lines so Ink never takes the clear-the-whole-terminal path. */
export function layout(cols: number, rows: number): Layout {
  const body = rows - 1 - HEADER_ROWS - FOOTER_ROWS;
  if (cols < MIN_COLS || rows < MIN_ROWS) return { kind: 'too-small', cols, rows };
  if (cols < 80 || body < 18) return { kind: 'single', body, width: cols };
  const left = cols >= 120 ? Math.floor((cols - 1) * 0.55) : Math.floor((cols - 1) / 2);
  const right = cols - 1 - left;
  return {
    kind: 'grid',
    body,
    columns: [
      {
        width: left,
        panels: splitRows(body, [
          { id: 'syscalls', min: 6, weight: 5 },
          { id: 'vfs', min: 5, weight: 3 },
          { id: 'stacks', min: 5, weight: 4 },
        ]),
      },
      {
        width: right,
        panels: splitRows(body, [
          { id: 'sched', min: 6, weight: 0 },
          { id: 'containerd', min: 4, weight: 1 },
          { id: 'targets', min: 5, weight: 4 },
          { id: 'events', min: 4, weight: 3 },
        ]),
      },
    ],
  };
}
