/** The header: targets, sources with their backends and attach points, rates, losses, our cost. */
import type { LiveSnapshot, SourceStatus } from '../live-model/types.js';
import { fmtElapsed, fmtRate } from './format.js';
import type { UiState } from './state.js';
import { seg, type Line } from './text.js';

function sourceSeg(s: SourceStatus) {
  switch (s.state) {
    case 'running':
      return seg(`● ${s.probe} ${s.backend ?? ''}${s.attachPoint ? ` @ ${s.attachPoint}` : ''}${s.pid ? ` pid ${s.pid}` : ''}`, { color: 'green' });
    case 'starting':
      return seg(`◌ ${s.probe} starting${s.pid ? ` pid ${s.pid}` : ''}`, { color: 'yellow' });
    case 'failed':
      return seg(`✗ ${s.probe} failed`, { color: 'red' });
    case 'stopped':
      return seg(`■ ${s.probe} stopped`, { dim: true });
    case 'missing':
      return seg(`○ ${s.probe} waiting`, { dim: true });
  }
}

export function headerLines(snap: LiveSnapshot | null, s: UiState): Line[] {
  const mode = snap?.session.replay
    ? seg(` replay ×${snap.session.replay.speed}${snap.session.replay.finished ? ' (ended)' : ''} `, { inverse: true, color: 'magenta' })
    : seg(' live ', { inverse: true, color: 'green' });
  const paused = s.paused ? [seg(' PAUSED ', { inverse: true, color: 'yellow' })] : [];
  if (!snap) return [[seg(' ctrscope ', { bold: true }), mode, seg(' starting tracers…', { dim: true })], [], []];
  const h = snap.host;
  const cd = h.containerd[0];
  const containerd = cd ? `containerd ${snap.containerdVersion ?? '?'} pid ${cd.pid}` : 'containerd not found';
  const line1: Line = [
    seg(' ctrscope ', { bold: true }),
    mode,
    ...paused,
    seg(` ${fmtElapsed(snap.session.elapsedS)}  `),
    seg(containerd, cd ? { bold: true } : { color: 'red' }),
    seg(` · ${h.shims.length} shims · ${h.containers.length} containers`),
  ];
  const line2: Line = [seg(' '), ...snap.sources.flatMap((x, i) => (i ? [seg('  '), sourceSeg(x)] : [sourceSeg(x)]))];
  const demo = snap.session.demo;
  const line3: Line = [
    seg(` ${fmtRate(snap.eventsPerSec)} events/s`, { bold: true }),
    seg(' · lost '),
    seg(String(snap.lost), snap.lost ? { color: 'red' } : {}),
    seg(' · dropped '),
    seg(String(snap.droppedLines), snap.droppedLines ? { color: 'red' } : {}),
    seg(demo ? ` · demo: ${demo.started} containers started, ${demo.failed} failed, ${demo.running} running` : '', { color: 'cyan' }),
    seg(snap.session.recordingTo ? ` · recording to ${snap.session.recordingTo}` : '', { color: 'magenta' }),
    ...costSegs(snap),
  ];
  return [line1, line2, line3];
}

/**
 * What the session costs, all of it: ctrscope's CPU and its tracers' (live ones and those that
 * exited), their memory, and what the kernel hooks are known to cost (measured by bench:live).
 */
function costSegs(snap: LiveSnapshot): Line {
  const s = snap.self;
  if (!s) return [];
  const total = s.cpuPct + s.tracersCpuPct;
  const mem = s.rssMiB !== undefined ? `, ${s.rssMiB.toFixed(0)}+${(s.tracersRssMiB ?? 0).toFixed(0)} MiB` : '';
  return [
    seg(` · cost ${total.toFixed(1)}% CPU`, total > 5 ? { color: 'yellow' } : {}),
    seg(` (ctrscope ${s.cpuPct.toFixed(1)} + tracers ${s.tracersCpuPct.toFixed(1)})${mem}`),
    seg(snap.session.kernelCost ? ` · kernel: ${snap.session.kernelCost}` : ''),
  ];
}

export const HELP: string[] = [
  'Tab / Shift-Tab, 1–7   focus a panel',
  '↑ ↓ (← → in stacks)    select a row, move through the flame view',
  'Enter                  drill into a target (6) or zoom into a stack frame (4)',
  'Esc                    back out of a drill-in or zoom; close this help',
  'p                      pause / resume the display (tracing goes on)',
  'r                      reset rates, histories and events',
  's                      strace detail of the selected target (asks first: strace is costly)',
  'e                      export the hot stacks as folded text to a file',
  '?                      this help',
  'q, Ctrl-C              quit: stops every tracer and restores the terminal',
];

export function footerLine(s: UiState): Line {
  if (s.quitting) return [seg(' stopping tracers…', { color: 'yellow', bold: true })];
  if (s.notice) return [seg(` ${s.notice.text}`, s.notice.level === 'error' ? { color: 'red' } : { color: 'cyan' })];
  return [seg(' Tab/1-7 focus  ↑↓←→ select  Enter drill  Esc back  p pause  r reset  s strace  e export  ? help  q quit', { dim: true })];
}
