/** `ctrscope probes [--json]`: every probe with the backend and attach point this host will use. */
import type { Command } from 'commander';
import { PROBES } from '../../probes/index.js';
import type { ProbeContext, SkippedAttach } from '../../probes/types.js';
import { NATIVE_PROBES } from '../native/index.js';
import { probeContext } from '../session/probe-context.js';
import { discover } from '../targets/discover.js';
import { renderTable } from '../output/table.js';
import { usageError } from '../errors.js';
import { ASSERTABLE } from '../assert/catalog.js';
import { assertableLines, renderAssertable } from '../assert/docs.js';
import { REPORT_SCHEMAS, reportJsonSchema } from '../report/schemas.js';

export interface ProbeLine {
  probe: string;
  backend: string;
  attachPoint: string;
  /** Better attach points this host cannot use, and why. */
  skipped: SkippedAttach[];
  /** Aggregated in the kernel (cheap) or per event in user space (strace). */
  inKernel: boolean;
  summary: string;
  /** Why the plan could not be made here (no target running ...). */
  note?: string;
}

export async function probeLines(): Promise<ProbeLine[]> {
  const host = discover();
  const ctx: ProbeContext = await probeContext(host, { pids: [], comms: [], containers: [], defaultTargets: true }, [...host.containerd, ...host.shims]);
  const out: ProbeLine[] = [];
  for (const p of Object.values(PROBES)) {
    const base = { probe: p.name, inKernel: p.inKernel, summary: p.summary };
    try {
      const plan = p.plan(ctx, p.params.parse({}));
      out.push({ ...base, backend: plan.backend, attachPoint: plan.attachPoint, skipped: plan.skipped });
    } catch (e) {
      out.push({ ...base, backend: p.backends[0] ?? '?', attachPoint: '?', skipped: [], note: (e as Error).message });
    }
  }
  for (const n of Object.values(NATIVE_PROBES)) out.push({ probe: n.name, backend: n.backend, attachPoint: '(reads containerd itself; see its --probe output)', skipped: [], inKernel: false, summary: n.summary });
  return out;
}

export function registerProbes(program: Command): void {
  program
    .command('probes')
    .description('list the probes with the backend and attach point this host will use')
    .option('--json', 'print one JSON object')
    .option('--assertable [probe]', 'list the fields --assert can check (of one probe, or of all), with their units')
    .option('--schema <probe>', "print the JSON Schema of a probe's --json report")
    .action(async (o: { json?: boolean; assertable?: string | boolean; schema?: string }) => {
      if (o.schema !== undefined) {
        const schema = reportJsonSchema(o.schema);
        if (!schema) throw usageError(`probe ${o.schema.slice(0, 40)} has no published schema`, `schemas: ${Object.keys(REPORT_SCHEMAS).join(', ')}`);
        process.stdout.write(JSON.stringify(schema, null, 2) + '\n');
        return;
      }
      if (o.assertable !== undefined) {
        const name = typeof o.assertable === 'string' ? o.assertable : undefined;
        if (name && !ASSERTABLE[name]) throw usageError(`probe ${name.slice(0, 40)} has no assertable fields`, `probes that take --assert: ${Object.keys(ASSERTABLE).join(', ')}`);
        const lines = assertableLines(name);
        process.stdout.write(o.json ? JSON.stringify({ assertable: lines }, null, 2) + '\n' : renderAssertable(lines));
        return;
      }
      const lines = await probeLines();
      if (o.json) {
        process.stdout.write(JSON.stringify({ probes: lines }, null, 2) + '\n');
        return;
      }
      const table = renderTable(lines, [
        { title: 'PROBE', get: (l) => l.probe, align: 'left' },
        { title: 'BACKEND', get: (l) => l.backend, align: 'left' },
        { title: 'ATTACH POINT HERE', get: (l) => l.attachPoint + (l.note ? ` (${l.note})` : ''), align: 'left' },
      ]);
      const notes = lines.flatMap((l) => l.skipped.map((s) => `  ${l.probe}: not ${s.attachPoint}: ${s.why}`));
      const more = `\nwhat --assert can check in each probe's result: ctrscope probes --assertable [PROBE]\n`;
      process.stdout.write(table + (notes.length ? `\nfallbacks on this host:\n${notes.join('\n')}\n` : '') + more);
    });
}
