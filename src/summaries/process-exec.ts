import { splitMapKey } from '../../parsers/bpftrace-json.js';
import { fmtInt, renderTable } from '../output/table.js';
import { mapCounts, mapValue, perProcess, targetsSeen } from './common.js';
import type { Summary } from './types.js';

export interface ProcessExecFields extends Record<string, unknown> {
  forks: number;
  threads: number;
  execs: number;
  /** Per creating process: new processes and threads it made. */
  processes: Array<{ pid: number; comm: string; role: string; forks: number; threads: number; execs: number }>;
  /** Programs executed, and by which target (the child's parent, or the target itself). */
  programs: Array<{ program: string; count: number; byRole: Record<string, number> }>;
  /** Who started what: one row per (starting pid, program). */
  started: Array<{ pid: number; comm: string; role: string; program: string; count: number }>;
}

const TOP = 30;

export const processExecSummary: Summary<ProcessExecFields> = {
  fields({ bpftrace, host, targets: start, selection }) {
    const comms = (mapValue(bpftrace, '@comm') ?? {}) as Record<string, string>;
    const forks = perProcess(mapCounts(bpftrace, '@forks'));
    const threads = perProcess(mapCounts(bpftrace, '@threads'));
    const started: Array<{ pid: number; program: string; count: number }> = [];
    for (const [key, count] of Object.entries(mapCounts(bpftrace, '@execs'))) {
      const [program, pidText] = splitMapKey(key, 2);
      const pid = Number(pidText);
      if (Number.isInteger(pid)) started.push({ pid, program: program ?? '?', count });
    }
    const procs = new Map<number, { pid: number; comm: string; forks: number; threads: number; execs: number }>();
    const proc = (pid: number, c?: string) => {
      let p = procs.get(pid);
      if (!p) procs.set(pid, (p = { pid, comm: c ?? comms[String(pid)] ?? '?', forks: 0, threads: 0, execs: 0 }));
      return p;
    };
    for (const [pid, f] of forks) proc(pid, f.comm).forks += f.count;
    for (const [pid, t] of threads) proc(pid, t.comm).threads += t.count;
    for (const s of started) proc(s.pid).execs += s.count;
    const targets = targetsSeen(host, procs.values(), start, selection);
    const role = new Map(targets.map((t) => [t.pid, t.role]));
    const roleOf = (pid: number) => role.get(pid) ?? 'other';
    const programs = new Map<string, { program: string; count: number; byRole: Record<string, number> }>();
    for (const s of started) {
      const p = programs.get(s.program) ?? { program: s.program, count: 0, byRole: {} };
      p.count += s.count;
      p.byRole[roleOf(s.pid)] = (p.byRole[roleOf(s.pid)] ?? 0) + s.count;
      programs.set(s.program, p);
    }
    const all = [...procs.values()];
    const sum = (k: 'forks' | 'threads' | 'execs') => all.reduce((a, p) => a + p[k], 0);
    return {
      fields: {
        forks: sum('forks'),
        threads: sum('threads'),
        execs: sum('execs'),
        processes: all.map((p) => ({ ...p, role: roleOf(p.pid) })).sort((a, b) => b.forks + b.threads - (a.forks + a.threads) || a.pid - b.pid),
        programs: [...programs.values()].sort((a, b) => b.count - a.count || (a.program < b.program ? -1 : 1)),
        started: started
          .map((s) => ({ pid: s.pid, comm: procs.get(s.pid)?.comm ?? '?', role: roleOf(s.pid), program: s.program, count: s.count }))
          .sort((a, b) => b.count - a.count || a.pid - b.pid)
          .slice(0, 500),
      },
      targets,
      events: sum('forks') + sum('threads') + sum('execs'),
    };
  },
  render(r) {
    const perRole = new Map<string, { n: number; forks: number; threads: number }>();
    for (const p of r.processes) {
      const e = perRole.get(p.role) ?? { n: 0, forks: 0, threads: 0 };
      e.n++;
      e.forks += p.forks;
      e.threads += p.threads;
      perRole.set(p.role, e);
    }
    const head =
      `process-exec: ${fmtInt(r.forks)} processes and ${fmtInt(r.threads)} threads created, ${fmtInt(r.execs)} programs executed in ${r.durationSeconds.toFixed(1)} s\n` +
      `backend ${r.backend}, attached at ${r.attachPoint}\n\n`;
    const roles = renderTable([...perRole], [
      { title: 'ROLE', get: ([k]) => k, align: 'left' },
      { title: 'PROCESSES', get: ([, e]) => fmtInt(e.n) },
      { title: 'FORKS', get: ([, e]) => fmtInt(e.forks) },
      { title: 'THREADS', get: ([, e]) => fmtInt(e.threads) },
    ]);
    const progs = renderTable(r.programs.slice(0, TOP), [
      { title: 'EXECS', get: (p) => fmtInt(p.count) },
      { title: 'PROGRAM', get: (p) => p.program, align: 'left' },
      { title: 'STARTED BY', get: (p) => Object.entries(p.byRole).map(([k, v]) => `${k} ${fmtInt(v)}`).join(', '), align: 'left' },
    ]);
    return `${head}who created processes and threads:\n${roles}\nwhat was executed:\n${progs}`;
  },
};
