/** `ctrscope logs`' text output: source, level counts over time, error/warning groups, per-container steps. */
import type { LogReport } from '../containerd/log-read.js';
import { renderTable } from '../output/table.js';

const LEVELS = ['error', 'warning', 'info', 'debug'] as const;
const clip = (s: string, n: number) => (s.length > n ? `${s.slice(0, n - 1)}…` : s);
const hms = (iso: string | null) => (iso ? iso.slice(11, 23) : '-');

export function renderLogs(r: LogReport): string {
  let s = `logs: ${r.source.how}\n`;
  s += `${r.lines} lines, ${r.unreadLines} unread${r.unreadLines ? ` (${Object.entries(r.unread).filter(([, n]) => n).map(([k, n]) => `${n} ${k}`).join(', ')})` : ''}`;
  s += r.since ? `, ${r.beforeSince} before --since ${r.since}` : '';
  s += r.firstTime ? `; ${r.firstTime} .. ${r.lastTime}\n` : '\n';
  const other = (['fatal', 'panic', 'trace'] as const).filter((l) => r.levels[l]);
  s += `levels: ${[...LEVELS, ...other].map((l) => `${l} ${r.levels[l]}`).join('  ')}\n`;
  if (r.overTime.length) {
    s += `\nby level every ${r.bucketSeconds} s:\n`;
    s += renderTable(r.overTime.slice(-20), [
      { title: 'FROM', get: (b) => b.start.replace('T', ' ').slice(0, 19), align: 'left' },
      ...LEVELS.map((l) => ({ title: l.toUpperCase(), get: (b: (typeof r.overTime)[number]) => String(b.counts[l] ?? 0) })),
    ]);
    if (r.overTime.length > 20) s += `(last 20 of ${r.overTime.length} buckets)\n`;
  }
  if (r.groups.length) {
    s += `\nerrors and warnings by message (${r.groups.length} templates):\n`;
    s += renderTable(r.groups.slice(0, 15), [
      { title: 'COUNT', get: (g) => String(g.count) },
      { title: 'LEVEL', get: (g) => g.level, align: 'left' },
      { title: 'FIRST', get: (g) => hms(g.firstSeen), align: 'left' },
      { title: 'LAST', get: (g) => hms(g.lastSeen), align: 'left' },
      { title: 'TEMPLATE', get: (g) => clip(g.template.replace(/\n/g, '\\n'), 90), align: 'left' },
    ]);
    s += `e.g. ${clip(r.groups[0]!.example, 200)}\n`;
  } else s += '\nno errors or warnings\n';
  if (r.steps.length) {
    s += `\nper container (${r.containers} containers), time from one line to the next:\n`;
    s += renderTable(r.steps.slice(0, 12), [
      { title: 'FROM', get: (x) => clip(x.from, 40), align: 'left' },
      { title: 'TO', get: (x) => clip(x.to, 40), align: 'left' },
      { title: 'N', get: (x) => String(x.n) },
      { title: 'P50_MS', get: (x) => x.p50Ms.toFixed(3) },
      { title: 'P99_MS', get: (x) => x.p99Ms.toFixed(3) },
      { title: 'MAX_MS', get: (x) => x.maxMs.toFixed(3) },
    ]);
  }
  return s;
}
