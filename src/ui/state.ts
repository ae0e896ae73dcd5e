/**
 * The live view's state as a pure reducer over a discriminated union of actions. Side effects
 * (quit, reset, export, strace) are returned as data for the caller to run; nothing here renders.
 */
import { PANEL_IDS, type LiveSnapshot, type PanelId, type TargetLine } from '../live-model/types.js';
import { buildFlame, moveFlame, nodeAt } from './flame.js';

export type UiKey =
  | 'tab' | 'shift-tab' | 'up' | 'down' | 'left' | 'right' | 'enter' | 'escape'
  | 'p' | 'r' | 's' | 'e' | '?' | 'q' | 'y' | 'n' | 'ctrl-c'
  | '1' | '2' | '3' | '4' | '5' | '6' | '7';

/** The strace detail run on one target, from confirmation to its result. */
export interface StraceView {
  pid: number;
  label: string;
  state: 'running' | 'done' | 'failed';
  /** Lines to show: the result table, or why it failed. */
  lines: string[];
}

export type UiAction =
  | { type: 'snapshot'; snapshot: LiveSnapshot }
  | { type: 'key'; key: UiKey }
  | { type: 'resize'; cols: number; rows: number }
  | { type: 'notice'; text: string; level: 'info' | 'error' }
  | { type: 'strace'; view: StraceView | null };

export type Effect =
  | { type: 'quit' }
  | { type: 'reset' }
  | { type: 'export' }
  | { type: 'strace'; pid: number; label: string };

export type Overlay = { kind: 'help' } | { kind: 'confirm-strace'; pid: number; label: string } | null;

export interface UiState {
  /** The snapshot on screen; `latest` keeps arriving while paused. */
  shown: LiveSnapshot | null;
  latest: LiveSnapshot | null;
  paused: boolean;
  focus: PanelId;
  /** Selected syscall (by name), target (by pid), event (by index from the newest). */
  selSyscall: string | null;
  selTarget: number | null;
  selEvent: number;
  /** The target drilled into (Enter in the targets panel). */
  drill: number | null;
  /** Flame view: selected node and zoom root, as paths of frame names. */
  flameSel: string[];
  flameZoom: string[];
  overlay: Overlay;
  strace: StraceView | null;
  notice: { text: string; level: 'info' | 'error' } | null;
  cols: number;
  rows: number;
  quitting: boolean;
}

export const initialState = (cols = 80, rows = 24): UiState => ({
  shown: null,
  latest: null,
  paused: false,
  focus: 'syscalls',
  selSyscall: null,
  selTarget: null,
  selEvent: 0,
  drill: null,
  flameSel: [],
  flameZoom: [],
  overlay: null,
  strace: null,
  notice: null,
  cols,
  rows,
  quitting: false,
});

export interface Step {
  state: UiState;
  effects: Effect[];
}

const same = (state: UiState): Step => ({ state, effects: [] });
const next = (state: UiState, patch: Partial<UiState>, ...effects: Effect[]): Step => ({ state: { ...state, ...patch }, effects });

/** Moves a selection held by key through a list, clamped at both ends. */
function stepKey<K>(keys: K[], current: K | null, delta: number): K | null {
  if (keys.length === 0) return null;
  const i = current === null ? -1 : keys.indexOf(current);
  const j = i === -1 ? (delta > 0 ? 0 : keys.length - 1) : Math.max(0, Math.min(keys.length - 1, i + delta));
  return keys[j]!;
}

/** The target the s key and Enter act on: the drilled one, else the selected one, else the first. */
export function selectedTarget(s: UiState): TargetLine | null {
  const ts = s.shown?.targets ?? [];
  const pid = s.drill ?? s.selTarget;
  return ts.find((t) => t.pid === pid) ?? ts[0] ?? null;
}

function moveSelection(s: UiState, delta: number, horizontal: boolean): Step {
  const snap = s.shown;
  if (!snap) return same(s);
  switch (s.focus) {
    case 'syscalls':
      return horizontal ? same(s) : next(s, { selSyscall: stepKey((snap.syscalls?.rows ?? []).map((r) => r.syscall), s.selSyscall, delta) });
    case 'targets':
      if (horizontal || s.drill !== null) return same(s);
      return next(s, { selTarget: stepKey(snap.targets.filter((t) => t.pid > 0).map((t) => t.pid), s.selTarget, delta) });
    case 'events': {
      const n = snap.events?.items.length ?? 0;
      return horizontal ? same(s) : next(s, { selEvent: Math.max(0, Math.min(Math.max(0, n - 1), s.selEvent + delta)) });
    }
    case 'stacks': {
      if (!snap.stacks) return same(s);
      const root = buildFlame(snap.stacks.folded);
      const move = horizontal ? (delta < 0 ? 'left' : 'right') : delta < 0 ? 'up' : 'down';
      const sel = moveFlame(root, s.flameSel, move);
      // The selection never leaves the zoomed subtree.
      return next(s, { flameSel: sel.length < s.flameZoom.length ? s.flameZoom : sel });
    }
    default:
      return same(s);
  }
}

function enter(s: UiState): Step {
  if (s.focus === 'targets') {
    const t = selectedTarget(s);
    return t && t.pid > 0 ? next(s, { drill: t.pid, selTarget: t.pid }) : same(s);
  }
  if (s.focus === 'stacks' && s.shown?.stacks) {
    const { path } = nodeAt(buildFlame(s.shown.stacks.folded), s.flameSel);
    return next(s, { flameZoom: path, flameSel: path });
  }
  return same(s);
}

/** Esc: closes what is drawn on top first (a box, the strace result), then backs out of a drill-in or zoom. */
function back(s: UiState): Step {
  if (s.overlay) return next(s, { overlay: null });
  if (s.strace && s.strace.state !== 'running') return next(s, { strace: null });
  if (s.focus === 'targets' && s.drill !== null) return next(s, { drill: null });
  if (s.focus === 'stacks' && s.flameZoom.length > 0) return next(s, { flameZoom: s.flameZoom.slice(0, -1) });
  return next(s, { notice: null });
}

function onKey(s: UiState, key: UiKey): Step {
  if (key === 'q' || key === 'ctrl-c') return s.quitting ? same(s) : next(s, { quitting: true, overlay: null }, { type: 'quit' });
  if (s.quitting) return same(s);
  if (s.overlay?.kind === 'confirm-strace') {
    if (key === 'y') return next(s, { overlay: null, strace: { pid: s.overlay.pid, label: s.overlay.label, state: 'running', lines: [] } }, { type: 'strace', pid: s.overlay.pid, label: s.overlay.label });
    if (key === 'n' || key === 'escape') return next(s, { overlay: null, notice: { text: 'strace cancelled', level: 'info' } });
    return same(s);
  }
  if (s.overlay?.kind === 'help') return key === '?' || key === 'escape' ? next(s, { overlay: null }) : same(s);
  const i = PANEL_IDS.indexOf(s.focus);
  switch (key) {
    case 'tab':
      return next(s, { focus: PANEL_IDS[(i + 1) % PANEL_IDS.length]! });
    case 'shift-tab':
      return next(s, { focus: PANEL_IDS[(i + PANEL_IDS.length - 1) % PANEL_IDS.length]! });
    case '1': case '2': case '3': case '4': case '5': case '6': case '7':
      return next(s, { focus: PANEL_IDS[Number(key) - 1]! });
    case 'up':
      return moveSelection(s, -1, false);
    case 'down':
      return moveSelection(s, 1, false);
    case 'left':
      return moveSelection(s, -1, true);
    case 'right':
      return moveSelection(s, 1, true);
    case 'enter':
      return enter(s);
    case 'escape':
      return back(s);
    case 'p':
      return s.paused ? next(s, { paused: false, shown: s.latest ?? s.shown }) : next(s, { paused: true });
    case 'r':
      return next(s, { selEvent: 0, notice: { text: 'reset: rates, histories and events start again now', level: 'info' } }, { type: 'reset' });
    case 'e':
      return { state: s, effects: [{ type: 'export' }] };
    case '?':
      return next(s, { overlay: { kind: 'help' } });
    case 's': {
      if (s.strace?.state === 'running') return next(s, { notice: { text: 'strace is already running', level: 'info' } });
      const t = selectedTarget(s);
      if (!t || t.pid <= 0) return next(s, { notice: { text: 'no target to trace: select one in the targets panel (6)', level: 'error' } });
      return next(s, { overlay: { kind: 'confirm-strace', pid: t.pid, label: t.label } });
    }
    default:
      return same(s);
  }
}

/** The reducer: (state, action) → state and the effects to run. Pure. */
export function reduce(s: UiState, a: UiAction): Step {
  switch (a.type) {
    case 'snapshot':
      return s.paused ? next(s, { latest: a.snapshot }) : next(s, { latest: a.snapshot, shown: a.snapshot });
    case 'key':
      return onKey(s, a.key);
    case 'resize':
      return next(s, { cols: a.cols, rows: a.rows });
    case 'notice':
      return next(s, { notice: { text: a.text, level: a.level } });
    case 'strace':
      return next(s, { strace: a.view });
  }
}
