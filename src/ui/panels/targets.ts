/** Numbers split by target: containerd, each shim (and container), then short-lived processes. */
import { fmtNs, fmtRate } from '../format.js';
import { RT_RUNC, RT_SHIM, type TargetLine } from '../../live-model/types.js';
import { selectedTarget, type UiState } from '../state.js';
import { col, seg, type Line } from '../text.js';
import { waitingLines } from './common.js';
import { syscallTable } from './syscalls.js';

export function targetsLines(s: UiState, width: number, height: number): Line[] {
  const snap = s.shown;
  if (!snap) return waitingLines(null, 'targets');
  if (s.drill !== null) {
    const t = snap.targets.find((x) => x.pid === s.drill);
    if (!t) return [[seg(`pid ${s.drill} has had no activity in the last window (or is gone)`, { dim: true })]];
    const head: Line = [seg(`${t.label} pid ${t.pid}: ${fmtRate(t.syscallsPerSec)} syscalls/s, ${fmtRate(t.errorsPerSec)} errors/s, avg ${fmtNs(t.avgNs)}`)];
    const rt = runtimeCpu(t);
    if (rt === null) return [head, ...syscallTable(t.syscalls, width, height - 1, null, false, false)];
    const cost: Line = [seg(`runtime CPU for this container so far: ${fmtNs(rt * 1e9)} (shim ${fmtNs((t.metrics[RT_SHIM] ?? 0) * 1e9)}, runc ${fmtNs((t.metrics[RT_RUNC] ?? 0) * 1e9)})`, { dim: true })];
    return [head, cost, ...syscallTable(t.syscalls, width, height - 2, null, false, false)];
  }
  if (snap.targets.length === 0) return waitingLines(snap, 'targets');
  // RT CPU: shim + runc CPU of a shim's container so far (one column for the two runtime metrics).
  const rtShown = width >= 76 && snap.targets.some((t) => runtimeCpu(t) !== null);
  const rtW = rtShown ? 9 : 0;
  const metrics = [...new Set(snap.targets.flatMap((t) => Object.keys(t.metrics)))].filter((m) => m !== RT_SHIM && m !== RT_RUNC).slice(0, Math.max(0, Math.floor((width - 56 - rtW) / 10)));
  const nameW = Math.max(14, Math.min(34, width - 8 - 8 - 7 - 8 - rtW - metrics.length * 10));
  const head: Line = [seg(col('TARGET', nameW, 'left') + col('PID', 8) + col('SYS/S', 8) + col('ERR/S', 7) + col('AVG', 8) + metrics.map((m) => col(m.toUpperCase(), 10)).join('') + (rtShown ? col('RT CPU', rtW) : ''), { dim: true })];
  const sel = selectedTarget(s);
  const rows = snap.targets;
  // With the default targets every shim is traced: one quiet in the window made 0 calls.
  const counted = snap.syscalls !== undefined && snap.session.defaultTargets !== false;
  const room = Math.max(0, height - 1);
  const i = sel ? rows.indexOf(sel) : -1;
  const start = i >= room ? i - room + 1 : 0;
  return [
    head,
    ...rows.slice(start, start + room).map((t) => {
      const isSel = s.focus === 'targets' && sel?.pid === t.pid && t.pid > 0;
      const style = { inverse: isSel, dim: t.pid === 0 };
      const sys = t.syscallsPerSec ?? (counted ? 0 : null);
      const err = t.errorsPerSec ?? (counted ? 0 : null);
      return [
        seg(col(t.label, nameW, 'left') + col(t.pid > 0 ? String(t.pid) : '', 8) + col(fmtRate(sys), 8), style),
        seg(col(err ? fmtRate(err) : err === 0 ? '0' : '-', 7), err ? { ...style, color: 'red' as const } : style),
        seg(col(fmtNs(t.avgNs), 8) + metrics.map((m) => col(fmtRate(t.metrics[m]), 10)).join('') + (rtShown ? col(runtimeCpu(t) === null ? '' : fmtNs(runtimeCpu(t)! * 1e9), rtW) : ''), style),
      ];
    }),
  ];
}

export function targetsTitle(s: UiState): string {
  if (s.drill !== null) return `› pid ${s.drill} (Esc: back)`;
  const h = s.shown?.host;
  return h ? `${h.containerd.length} containerd, ${h.shims.length} shims, ${h.containers.length} containers · Enter: drill in` : '';
}

/** A shim line's RT CPU (its container's shim + runc CPU so far, seconds), or null for other lines. */
function runtimeCpu(t: TargetLine): number | null {
  const shim = t.metrics[RT_SHIM];
  const runc = t.metrics[RT_RUNC];
  return t.role === 'shim' && (shim != null || runc != null) ? (shim ?? 0) + (runc ?? 0) : null;
}
