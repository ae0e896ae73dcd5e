import { splitMapKey } from '../../parsers/bpftrace-json.js';
import { fmtInt, renderTable } from '../output/table.js';
import { mapCounts, mapValue, targetsSeen } from './common.js';
import { errnoName, openFlags } from './open-flags.js';
import type { Summary } from './types.js';

/** One (path, pid, flags, result) with how often it happened. */
export interface OpenRow {
  path: string;
  pid: number;
  comm: string;
  flags: string;
  /** null: the open succeeded. */
  errno: string | null;
  count: number;
}

export interface FileOpensFields extends Record<string, unknown> {
  opens: number;
  failed: number;
  /** Paths by opens (all processes), with their failures. */
  topPaths: Array<{ path: string; opens: number; failed: number }>;
  /** Failed opens by path and error. */
  failures: Array<{ path: string; errno: string; count: number; pids: number[] }>;
  processes: Array<{ pid: number; comm: string; role: string; opens: number; failed: number }>;
  /** Every distinct open, most frequent first (at most ROWS_KEPT). */
  rows: OpenRow[];
}

export const ROWS_KEPT = 500;
const TOP = 20;

/** Pure: @opens ("path,pid,flags,errno": n) and @comm (pid: comm) → rows. */
export function openRows(opens: Record<string, number>, comms: Record<string, string>): OpenRow[] {
  const rows: OpenRow[] = [];
  for (const [key, count] of Object.entries(opens)) {
    const [path, pidText, flagText, errText] = splitMapKey(key, 4);
    const pid = Number(pidText);
    const err = Number(errText);
    if (!Number.isInteger(pid) || !Number.isInteger(err)) continue;
    rows.push({ path: path ?? '', pid, comm: comms[String(pid)] ?? '?', flags: openFlags(Number(flagText)), errno: err ? errnoName(err) : null, count });
  }
  return rows.sort((a, b) => b.count - a.count || (a.path < b.path ? -1 : a.path > b.path ? 1 : a.pid - b.pid));
}

export const fileOpensSummary: Summary<FileOpensFields> = {
  fields({ bpftrace, host, targets: start, selection }) {
    const comms = (mapValue(bpftrace, '@comm') ?? {}) as Record<string, string>;
    const rows = openRows(mapCounts(bpftrace, '@opens'), typeof comms === 'object' ? comms : {});
    const paths = new Map<string, { path: string; opens: number; failed: number }>();
    const fails = new Map<string, { path: string; errno: string; count: number; pids: number[] }>();
    const procs = new Map<number, { pid: number; comm: string; opens: number; failed: number }>();
    let total = 0;
    let failed = 0;
    for (const r of rows) {
      total += r.count;
      const p = paths.get(r.path) ?? { path: r.path, opens: 0, failed: 0 };
      p.opens += r.count;
      const pr = procs.get(r.pid) ?? { pid: r.pid, comm: r.comm, opens: 0, failed: 0 };
      pr.opens += r.count;
      if (r.errno) {
        failed += r.count;
        p.failed += r.count;
        pr.failed += r.count;
        const k = `${r.errno}\0${r.path}`;
        const f = fails.get(k) ?? { path: r.path, errno: r.errno, count: 0, pids: [] };
        f.count += r.count;
        if (!f.pids.includes(r.pid) && f.pids.length < 20) f.pids.push(r.pid);
        fails.set(k, f);
      }
      paths.set(r.path, p);
      procs.set(r.pid, pr);
    }
    const targets = targetsSeen(host, procs.values(), start, selection);
    const role = new Map(targets.map((t) => [t.pid, t.role]));
    return {
      fields: {
        opens: total,
        failed,
        topPaths: [...paths.values()].sort((a, b) => b.opens - a.opens || (a.path < b.path ? -1 : 1)).slice(0, TOP),
        failures: [...fails.values()].sort((a, b) => b.count - a.count || (a.path < b.path ? -1 : 1)).slice(0, TOP),
        processes: [...procs.values()].map((p) => ({ ...p, role: role.get(p.pid) ?? 'other' })).sort((a, b) => b.opens - a.opens || a.pid - b.pid),
        rows: rows.slice(0, ROWS_KEPT),
      },
      targets,
      events: total,
    };
  },
  render(r) {
    const byRole = new Map<string, number>();
    for (const p of r.processes) byRole.set(p.role, (byRole.get(p.role) ?? 0) + p.opens);
    const roles = [...byRole].map(([k, v]) => `${k} ${fmtInt(v)}`).join(', ');
    const head = `file-opens: ${fmtInt(r.opens)} opens (${fmtInt(r.failed)} failed) in ${r.durationSeconds.toFixed(1)} s by ${r.processes.length} processes (${roles || 'none'})\nbackend ${r.backend}, attached at ${r.attachPoint}\n\n`;
    const top = renderTable(r.topPaths, [
      { title: 'OPENS', get: (p) => fmtInt(p.opens) },
      { title: 'FAILED', get: (p) => fmtInt(p.failed) },
      { title: 'PATH', get: (p) => p.path, align: 'left' },
    ]);
    const fails = r.failures.length
      ? renderTable(r.failures, [
          { title: 'COUNT', get: (f) => fmtInt(f.count) },
          { title: 'ERROR', get: (f) => f.errno, align: 'left' },
          { title: 'PATH', get: (f) => f.path, align: 'left' },
        ])
      : '  (none)\n';
    return `${head}top paths:\n${top}\nfailures:\n${fails}`;
  },
};
