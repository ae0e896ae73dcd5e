/**
 * The whole screen as styled lines, from the UI state alone: header, panels in their layout,
 * footer, and an overlay box (help, strace confirmation, strace result) drawn over the panels.
 * With a ScreenMemo, a part of the screen whose inputs did not change is not rebuilt: each panel
 * names what it reads from the state (its slice of the snapshot by identity, focus, its own
 * selection), and gets back the very lines it drew last time.
 */
import { PANEL_IDS, type PanelId } from '../live-model/types.js';
import { footerLine, headerLines, HELP } from './header.js';
import { layout, MIN_COLS, MIN_ROWS } from './layout.js';
import { ScreenMemo } from './memo.js';
import { SHORT, titleLine } from './panels/common.js';
import { containerdLines } from './panels/containerd.js';
import { startsReads } from './panels/starts-line.js';
import { eventsLines, eventsTitle } from './panels/events.js';
import { schedLines, schedTitle } from './panels/sched.js';
import { stacksLines, stacksTitle } from './panels/stacks.js';
import { syscallsLines, syscallsTitle } from './panels/syscalls.js';
import { targetsLines, targetsTitle } from './panels/targets.js';
import { vfsLines, vfsTitle } from './panels/vfs.js';
import type { UiState } from './state.js';
import { cellWidth, fit, lineWidth, seg, sliceCells, type Line } from './text.js';

export { ScreenMemo } from './memo.js';

type Body = (s: UiState, width: number, height: number) => Line[];

/** What a panel's waiting lines read: the sources, only while its slice of the snapshot is missing. */
const waiting = (s: UiState, slice: unknown) => (slice === undefined ? s.shown?.sources : null);

interface PanelDef {
  body: Body;
  title: (s: UiState) => string;
  /** Everything body and title read from the state besides the panel's focus and size. */
  reads: (s: UiState) => unknown[];
}

const PANELS: Record<PanelId, PanelDef> = {
  syscalls: { body: syscallsLines, title: syscallsTitle, reads: (s) => [s.shown?.syscalls, waiting(s, s.shown?.syscalls), s.selSyscall] },
  sched: { body: (s, w) => schedLines(s, w), title: schedTitle, reads: (s) => [s.shown?.sched, waiting(s, s.shown?.sched)] },
  vfs: {
    body: vfsLines,
    title: vfsTitle,
    reads: (s) => [s.shown?.vfs, waiting(s, s.shown?.vfs), s.shown?.sources.find((x) => x.panels.includes('vfs'))?.message],
  },
  // The stacks source hands out the same folded array while nothing changed.
  stacks: {
    body: stacksLines,
    title: stacksTitle,
    reads: (s) => [s.shown?.stacks?.folded, s.shown?.stacks?.samples, waiting(s, s.shown?.stacks), s.flameSel, s.flameZoom],
  },
  events: { body: eventsLines, title: eventsTitle, reads: (s) => [s.shown?.events, waiting(s, s.shown?.events), s.selEvent] },
  targets: {
    body: targetsLines,
    title: targetsTitle,
    reads: (s) => {
      const snap = s.shown;
      return [snap === null, snap?.targets, snap?.targets.length === 0 ? snap.sources : null, snap?.syscalls !== undefined, snap?.session.defaultTargets, snap?.host, s.drill, s.selTarget];
    },
  },
  containerd: { body: containerdLines, title: () => '', reads: (s) => [s.shown?.containerd, waiting(s, s.shown?.containerd), ...startsReads(s.shown)] },
};

function buildPanel(s: UiState, id: PanelId, width: number, height: number): Line[] {
  const p = PANELS[id];
  const body = p.body(s, width, height - 1).slice(0, height - 1);
  const out = [fit(titleLine(id, s.focus === id, p.title(s)), width), ...body.map((l) => fit(l, width))];
  while (out.length < height) out.push(fit([], width));
  return out;
}

/** One panel as exactly `height` lines of `width` cells; rebuilt only when what it reads changed. */
export function panelLines(s: UiState, id: PanelId, width: number, height: number, memo?: ScreenMemo): Line[] {
  if (!memo) return buildPanel(s, id, width, height);
  return memo.get(`panel:${id}`, [width, height, s.focus === id, ...PANELS[id].reads(s)], () => buildPanel(s, id, width, height));
}

/** Cuts cells [from, to) out of a line. */
function sliceLine(line: Line, from: number, to: number): Line {
  const out: Line = [];
  let x = 0;
  for (const s of line) {
    const w = cellWidth(s.t);
    const a = Math.max(from, x);
    const b = Math.min(to, x + w);
    if (b > a) out.push({ ...s, t: sliceCells(s.t, a - x, b - x) });
    x += w;
  }
  return out;
}

/** Draws a bordered box with a title over the middle of `lines`. */
function overlay(lines: Line[], top: number, cols: number, title: string, text: Line[]): Line[] {
  const tw = cellWidth(title);
  const inner = Math.min(cols - 4, Math.max(tw + 4, ...text.map(lineWidth)) + 2);
  const w = inner + 2;
  const x = Math.max(0, Math.floor((cols - w) / 2));
  const box: Line[] = [
    [seg(`┌─ ${title} ${'─'.repeat(Math.max(0, inner - tw - 3))}┐`, { color: 'cyan' })],
    ...text.map((l) => [seg('│ ', { color: 'cyan' }), ...fit(l, inner - 2), seg(' │', { color: 'cyan' })]),
    [seg(`└${'─'.repeat(inner)}┘`, { color: 'cyan' })],
  ];
  const y0 = Math.max(top, top + Math.floor((lines.length - top - box.length) / 2));
  const out = lines.slice();
  box.forEach((b, i) => {
    const y = y0 + i;
    if (y >= out.length) return;
    out[y] = [...sliceLine(out[y]!, 0, x), ...b, ...sliceLine(out[y]!, x + w, cols)];
  });
  return out;
}

function overlays(s: UiState, lines: Line[], top: number): Line[] {
  if (s.overlay?.kind === 'help') return overlay(lines, top, s.cols, 'keys (Esc closes)', HELP.map((h) => [seg(h)]));
  if (s.overlay?.kind === 'confirm-strace')
    return overlay(lines, top, s.cols, 'strace detail', [
      [seg(`Trace ${s.overlay.label} (pid ${s.overlay.pid}) with strace for 5 s?`, { bold: true })],
      [seg('strace stops every thread of the target on every syscall (ptrace).', { color: 'yellow' })],
      [seg('Measured on this kind of host: container starts ran 6.5x slower under', { color: 'yellow' })],
      [seg('strace -f on containerd. The in-kernel probes cost nothing measurable.', { color: 'yellow' })],
      [],
      [seg('y', { bold: true }), seg(' run it   '), seg('n', { bold: true }), seg(' / Esc cancel')],
    ]);
  if (s.strace) {
    const st = s.strace;
    const head = st.state === 'running' ? `strace on ${st.label} (pid ${st.pid}): running for 5 s…` : `strace on ${st.label} (pid ${st.pid})${st.state === 'failed' ? ': failed' : ''}`;
    const body = st.lines.slice(0, Math.max(1, lines.length - top - 4)).map((l) => [seg(l, st.state === 'failed' ? { color: 'red' } : {})]);
    return overlay(lines, top, s.cols, 'strace detail (Esc closes)', [[seg(head, { bold: true })], ...body]);
  }
  return lines;
}

function wrapWords(text: string, width: number): string[] {
  const out: string[] = [];
  let line = '';
  for (const w of text.split(' ')) {
    if (line && line.length + 1 + w.length > width) {
      out.push(line);
      line = w;
    } else line = line ? `${line} ${w}` : w;
  }
  if (line) out.push(line);
  return out;
}

/** The screen: rows - 1 lines of exactly cols cells. Give it the same memo frame after frame. */
export function screenLines(s: UiState, memo = new ScreenMemo()): Line[] {
  const L = layout(s.cols, s.rows);
  const { cols } = s;
  if (L.kind === 'too-small') {
    const msg = `ctrscope: the terminal is ${cols}x${s.rows}; the live view needs at least ${MIN_COLS}x${MIN_ROWS}. Enlarge it, or press q.`;
    return wrapWords(msg, cols).slice(0, Math.max(1, s.rows - 1)).map((t) => fit([seg(t, { color: 'yellow' })], cols));
  }
  const head = memo.get('header', [s.shown, s.paused, cols], () => headerLines(s.shown, s).map((l) => fit(l, cols)));
  let body: Line[];
  if (L.kind === 'grid') {
    const parts = L.columns.map((c) => c.panels.flatMap((p) => panelLines(s, p.id, c.width, p.height, memo)));
    const widths = L.columns.map((c) => c.width);
    body = [];
    for (let y = 0; y < L.body; y++) {
      const cells = parts.map((c) => c[y]);
      // A row is the same object while both halves are.
      const row = memo.get(`row:${y}`, [...widths, ...cells], () =>
        cells.flatMap((c, i) => [...(i ? [seg('│', { dim: true })] : []), ...(c ?? fit([], widths[i]!))]),
      );
      body.push(row);
    }
  } else {
    // Every panel named when they fit, else only the focused one named and the others numbered.
    const named = PANEL_IDS.reduce((a, id) => a + SHORT[id].length + 3, 0) <= cols;
    const tabs = memo.get('tabs', [s.focus, cols], () =>
      fit(
        PANEL_IDS.map((id, i) =>
          s.focus === id ? seg(`${i + 1} ${SHORT[id]} `, { inverse: true, color: 'cyan' }) : seg(named ? `${i + 1} ${SHORT[id]} ` : `${i + 1} `, { dim: true }),
        ),
        cols,
      ),
    );
    body = [tabs, ...panelLines(s, s.focus, cols, L.body - 1, memo)];
  }
  const foot = memo.get('footer', [s.quitting, s.notice, cols], () => fit(footerLine(s), cols));
  return overlays(s, [...head, ...body, foot], head.length);
}
