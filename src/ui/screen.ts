/**
 * The whole screen as styled lines, from the UI state alone: header, panels in their layout,
 * footer, and an overlay box (help, strace confirmation, strace result) drawn over the panels.
 */
import { PANEL_IDS, type PanelId } from '../session/live-types.js';
import { footerLine, headerLines, HELP } from './header.js';
import { layout, MIN_COLS, MIN_ROWS } from './layout.js';
import { SHORT, titleLine } from './panels/common.js';
import { containerdLines } from './panels/containerd.js';
import { eventsLines, eventsTitle } from './panels/events.js';
import { schedLines, schedTitle } from './panels/sched.js';
import { stacksLines, stacksTitle } from './panels/stacks.js';
import { syscallsLines, syscallsTitle } from './panels/syscalls.js';
import { targetsLines, targetsTitle } from './panels/targets.js';
import { vfsLines, vfsTitle } from './panels/vfs.js';
import type { UiState } from './state.js';
import { fit, seg, type Line } from './text.js';

type Body = (s: UiState, width: number, height: number) => Line[];

const PANELS: Record<PanelId, { body: Body; title: (s: UiState) => string }> = {
  syscalls: { body: syscallsLines, title: syscallsTitle },
  sched: { body: (s, w) => schedLines(s, w), title: schedTitle },
  vfs: { body: vfsLines, title: vfsTitle },
  stacks: { body: stacksLines, title: stacksTitle },
  events: { body: eventsLines, title: eventsTitle },
  targets: { body: targetsLines, title: targetsTitle },
  containerd: { body: containerdLines, title: () => '' },
};

/** One panel as exactly `height` lines of `width` cells. */
export function panelLines(s: UiState, id: PanelId, width: number, height: number): Line[] {
  const p = PANELS[id];
  const body = p.body(s, width, height - 1).slice(0, height - 1);
  const out = [fit(titleLine(id, s.focus === id, p.title(s)), width), ...body.map((l) => fit(l, width))];
  while (out.length < height) out.push(fit([], width));
  return out;
}

/** Cuts cells [from, to) out of a line. */
function sliceLine(line: Line, from: number, to: number): Line {
  const out: Line = [];
  let x = 0;
  for (const s of line) {
    const a = Math.max(from, x);
    const b = Math.min(to, x + s.t.length);
    if (b > a) out.push({ ...s, t: s.t.slice(a - x, b - x) });
    x += s.t.length;
  }
  return out;
}

/** Draws a bordered box with a title over the middle of `lines`. */
function overlay(lines: Line[], top: number, cols: number, title: string, text: Line[]): Line[] {
  const inner = Math.min(cols - 4, Math.max(title.length + 4, ...text.map((l) => l.reduce((a, s) => a + s.t.length, 0))) + 2);
  const w = inner + 2;
  const x = Math.max(0, Math.floor((cols - w) / 2));
  const box: Line[] = [
    [seg(`┌─ ${title} ${'─'.repeat(Math.max(0, inner - title.length - 3))}┐`, { color: 'cyan' })],
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

/** The screen: rows - 1 lines of exactly cols cells. */
export function screenLines(s: UiState): Line[] {
  const L = layout(s.cols, s.rows);
  const { cols } = s;
  if (L.kind === 'too-small') {
    const msg = `ctrscope: the terminal is ${cols}x${s.rows}; the live view needs at least ${MIN_COLS}x${MIN_ROWS}. Enlarge it, or press q.`;
    return wrapWords(msg, cols).slice(0, Math.max(1, s.rows - 1)).map((t) => fit([seg(t, { color: 'yellow' })], cols));
  }
  const head = headerLines(s.shown, s).map((l) => fit(l, cols));
  let body: Line[];
  if (L.kind === 'grid') {
    const cols2 = L.columns.map((c) => c.panels.flatMap((p) => panelLines(s, p.id, c.width, p.height)));
    body = [];
    for (let y = 0; y < L.body; y++) {
      const row: Line = [];
      cols2.forEach((c, i) => {
        if (i) row.push(seg('│', { dim: true }));
        row.push(...(c[y] ?? fit([], L.columns[i]!.width)));
      });
      body.push(row);
    }
  } else {
    // Every panel named when they fit, else only the focused one named and the others numbered.
    const named = PANEL_IDS.reduce((a, id) => a + SHORT[id].length + 3, 0) <= cols;
    const tabs: Line = PANEL_IDS.map((id, i) =>
      s.focus === id ? seg(`${i + 1} ${SHORT[id]} `, { inverse: true, color: 'cyan' }) : seg(named ? `${i + 1} ${SHORT[id]} ` : `${i + 1} `, { dim: true }),
    );
    body = [fit(tabs, cols), ...panelLines(s, s.focus, cols, L.body - 1)];
  }
  const all = [...head, ...body, fit(footerLine(s), cols)];
  return overlays(s, all, head.length);
}
