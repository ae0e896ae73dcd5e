/**
 * heap: containerd's Go heap profile from its debug socket — the functions holding the most
 * in-use memory and those that allocated the most since start. `--output FILE` saves the profile
 * as served (gzip protobuf, readable by go tool pprof); `--base FILE` diffs against a saved one.
 * OVERHEAD: none beyond the request: Go samples allocations all the time (one per 512 KiB).
 */
import { readFileSync } from 'node:fs';
import { functionTotals, sampleIndex, totalValue, type DecodedProfile } from '../../parsers/pprof.js';
import { flatDiff } from '../aggregate/profile-diff.js';
import { decodeProfile, rawProfile } from '../containerd/debug-client.js';
import { debugSocket } from '../containerd/endpoints.js';
import { CtrscopeError } from '../errors.js';
import { writeFileAtomic } from '../output/write-file.js';
import { fmtInt, renderTable } from '../output/table.js';
import type { ProbeReport } from '../../probes/types.js';
import { checkOutput, containerdTargets, say } from './common.js';
import type { NativeProbe } from './types.js';
import { checkAssertions } from '../assert/check.js';

export const heapProbe: NativeProbe = {
  name: 'heap',
  summary: "containerd's Go heap: top in-use and allocating functions; --output saves it, --base FILE diffs",
  backend: 'pprof',
  async run(o) {
    checkOutput(o);
    let base: DecodedProfile | undefined;
    if (o.base !== undefined) {
      let bytes: Buffer;
      try {
        bytes = readFileSync(o.base);
      } catch (e) {
        throw new CtrscopeError('input', `cannot read --base ${o.base}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`, 'give a heap profile saved with --probe heap --output FILE');
      }
      base = decodeProfile(bytes, `--base ${o.base}`);
      if (sampleIndex(base, 'inuse_space') < 0) throw new CtrscopeError('input', `--base ${o.base} is not a heap profile`, 'give a heap profile saved with --probe heap --output FILE');
    }
    const socket = debugSocket(o.debugSocket);
    const raw = await rawProfile(socket, 'heap');
    const report = heapReport(socket, decodeProfile(raw, 'the heap profile'), base);
    if (o.output) {
      writeFileAtomic(o.output, raw, o.force);
      say(`saved the heap profile to ${o.output} (use it with --base, or go tool pprof)`);
    }
    process.stdout.write(o.json ? JSON.stringify(report, null, 2) + '\n' : renderHeap(report));
    checkAssertions(o.assertions ?? [], report);
    return 0;
  },
};

export type HeapReport = ReturnType<typeof heapReport>;

export function heapReport(socket: string, p: DecodedProfile, base?: DecodedProfile) {
  const top = (type: string) => {
    const i = sampleIndex(p, type);
    return i < 0 ? [] : functionTotals(p, i).slice(0, 15);
  };
  const sum = (type: string) => {
    const i = sampleIndex(p, type);
    return i < 0 ? null : totalValue(p, i);
  };
  const report = {
    probe: 'heap',
    backend: 'pprof' as const,
    attachPoint: `unix:${socket} /debug/pprof/heap`,
    skipped: [],
    durationSeconds: 0,
    targets: containerdTargets(),
    inuseBytes: sum('inuse_space'),
    inuseObjects: sum('inuse_objects'),
    allocBytes: sum('alloc_space'),
    allocObjects: sum('alloc_objects'),
    inuse: top('inuse_space'),
    allocated: top('alloc_space'),
    base: base
      ? {
          inuseBytes: totalValue(base, sampleIndex(base, 'inuse_space')),
          inuse: flatDiff(base, p, 'inuse_space').slice(0, 15),
          allocated: flatDiff(base, p, 'alloc_space').slice(0, 15),
        }
      : undefined,
  };
  return report satisfies ProbeReport;
}

const kib = (v: number) => `${(v / 1024).toFixed(1)}`;

export function renderHeap(r: HeapReport): string {
  let s = `heap: ${kib(r.inuseBytes ?? 0)} KiB in use in ${fmtInt(r.inuseObjects ?? 0)} objects (sampled); ${kib(r.allocBytes ?? 0)} KiB allocated since containerd started\n`;
  s += `read from ${r.attachPoint}\n\ntop in-use:\n`;
  const cols = [
    { title: 'FLAT_KIB', get: (t: { flat: number }) => kib(t.flat) },
    { title: 'CUM_KIB', get: (t: { cum: number }) => kib(t.cum) },
    { title: 'FUNCTION', get: (t: { func: string }) => t.func, align: 'left' as const },
  ];
  s += renderTable(r.inuse.slice(0, 10), cols) + '\ntop allocating (since start):\n' + renderTable(r.allocated.slice(0, 10), cols);
  if (r.base) {
    const dcols = [
      { title: 'BASE_KIB', get: (t: { base: number }) => kib(t.base) },
      { title: 'NOW_KIB', get: (t: { now: number }) => kib(t.now) },
      { title: 'DELTA_KIB', get: (t: { delta: number }) => (t.delta > 0 ? '+' : '') + kib(t.delta) },
      { title: 'FUNCTION', get: (t: { func: string }) => t.func, align: 'left' as const },
    ];
    const d = (r.inuseBytes ?? 0) - r.base.inuseBytes;
    s += `\nin use vs --base: ${d >= 0 ? '+' : ''}${kib(d)} KiB\n` + renderTable(r.base.inuse.slice(0, 10), dcols);
    s += '\nallocated vs --base:\n' + renderTable(r.base.allocated.slice(0, 10), dcols);
  }
  return s;
}
