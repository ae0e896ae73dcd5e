/**
 * Go pprof profiles (protobuf, already gunzipped) decoded with the pprof-format package into
 * plain stacks of function names, and the two views ctrscope draws from them: folded stacks
 * (flamegraph.pl's input) and top functions.
 *
 * A CPU profile from `GET /debug/pprof/profile?seconds=N` has sample types
 *   [samples/count, cpu/nanoseconds]; a heap profile from `/debug/pprof/heap`
 *   [alloc_objects/count, alloc_space/bytes, inuse_objects/count, inuse_space/bytes];
 *   block and mutex profiles [contentions/count, delay/nanoseconds].
 * A location holds one line per function inlined there, innermost first; a sample's locations
 * come leaf first. Frames without a function (unsymbolized) show as their address.
 */
import { Profile } from 'pprof-format';

export interface ValueType {
  type: string;
  unit: string;
}

export interface StackSample {
  /** Function names, leaf first. */
  stack: string[];
  /** One value per sample type. */
  values: number[];
}

export interface DecodedProfile {
  sampleTypes: ValueType[];
  samples: StackSample[];
  periodType?: ValueType;
  period: number;
  durationNanos: number;
  timeNanos: number;
}

export type DecodeResult = { ok: true; profile: DecodedProfile } | { ok: false; error: string };

const num = (v: number | bigint | undefined) => (typeof v === 'bigint' ? Number(v) : (v ?? 0));

/** Decodes an uncompressed pprof protobuf. Never throws: a corrupt profile is an error result. */
export function decodePprof(bytes: Uint8Array): DecodeResult {
  let p: Profile;
  try {
    p = Profile.decode(bytes);
  } catch (e) {
    return { ok: false, error: `not a pprof profile (${(e as Error).message})` };
  }
  const strings = p.stringTable.strings;
  const str = (i: number | bigint) => strings[num(i)] ?? '';
  const funcs = new Map<number, string>();
  for (const f of p.function) funcs.set(num(f.id), str(f.name) || str(f.systemName) || '?');
  const locs = new Map<number, string[]>();
  for (const l of p.location) {
    const names = l.line.map((ln) => funcs.get(num(ln.functionId)) ?? '?');
    locs.set(num(l.id), names.length ? names : [`0x${num(l.address).toString(16)}`]);
  }
  const vt = (v: { type: number | bigint; unit: number | bigint }) => ({ type: str(v.type), unit: str(v.unit) });
  const samples = p.sample.map((s) => ({
    stack: s.locationId.flatMap((id) => locs.get(num(id)) ?? [`?loc${num(id)}`]),
    values: s.value.map(num),
  }));
  return {
    ok: true,
    profile: {
      sampleTypes: p.sampleType.map(vt),
      samples,
      periodType: p.periodType ? vt(p.periodType) : undefined,
      period: num(p.period),
      durationNanos: num(p.durationNanos),
      timeNanos: num(p.timeNanos),
    },
  };
}

/** Index of a sample type by name ("samples", "cpu", "inuse_space"...), or -1. */
export const sampleIndex = (p: DecodedProfile, type: string) => p.sampleTypes.findIndex((t) => t.type === type);

/** A frame name made safe for folded stacks: no ";" (the separator), no line breaks. */
const foldFrame = (f: string) => f.replace(/;/g, ':').replace(/[\r\n]+/g, ' ');

/**
 * Folded stacks, root first, as flamegraph.pl reads them: `main;f;g 12`. Equal stacks are summed;
 * zero values are left out; lines are sorted for stable output.
 */
export function foldedStacks(p: DecodedProfile, valueIndex: number, prefix?: string): string[] {
  const sums = new Map<string, number>();
  for (const s of p.samples) {
    const v = s.values[valueIndex] ?? 0;
    if (v === 0) continue;
    const frames = [...s.stack].reverse().map(foldFrame);
    if (prefix) frames.unshift(foldFrame(prefix));
    const key = frames.join(';') || '[unknown]';
    sums.set(key, (sums.get(key) ?? 0) + v);
  }
  return [...sums].sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0)).map(([k, v]) => `${k} ${v}`);
}

export interface FunctionTotal {
  func: string;
  /** Value where the function is the leaf. */
  flat: number;
  /** Value of every sample the function appears in (counted once per sample). */
  cum: number;
}

/** Per-function flat and cumulative totals of one sample type, highest flat first. */
export function functionTotals(p: DecodedProfile, valueIndex: number): FunctionTotal[] {
  const by = new Map<string, FunctionTotal>();
  const get = (f: string) => {
    let t = by.get(f);
    if (!t) by.set(f, (t = { func: f, flat: 0, cum: 0 }));
    return t;
  };
  for (const s of p.samples) {
    const v = s.values[valueIndex] ?? 0;
    if (v === 0 || s.stack.length === 0) continue;
    get(s.stack[0]!).flat += v;
    for (const f of new Set(s.stack)) get(f).cum += v;
  }
  return [...by.values()].sort((a, b) => b.flat - a.flat || b.cum - a.cum || a.func.localeCompare(b.func));
}

/** Sum of one sample type over all samples. */
export const totalValue = (p: DecodedProfile, valueIndex: number) => p.samples.reduce((a, s) => a + (s.values[valueIndex] ?? 0), 0);
