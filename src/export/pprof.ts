/**
 * pprof (profile.proto, gzipped: what `go tool pprof`, Parca and Pyroscope read) from a
 * StackProfile, encoded with the pprof-format package.
 *
 * One function and one location per distinct frame name (a folded stack keeps no addresses or
 * lines, so names are all there is); a sample's locations run leaf first, as profile.proto says.
 * The root frame (the comm, or "containerd" for go-cpu) stays a frame, so `-top` and the flame
 * graph views show the same tree as the folded file. Where the producer knows a frame's binary
 * (go-cpu: containerd's executable; perf script: the module it prints) its location points at a
 * mapping with has_functions set, telling readers the profile is already symbolized.
 */
import { gzipSync } from 'node:zlib';
import { Function as PFunction, Location, Mapping, Profile, Sample, StringTable, ValueType } from 'pprof-format';
import type { StackProfile } from './types.js';

export function pprofBytes(p: StackProfile): Uint8Array {
  const strings = new StringTable();
  const str = (s: string) => strings.dedup(s);
  const functions: PFunction[] = [];
  const locations: Location[] = [];
  const mappings: Mapping[] = [];
  const mappingIds = new Map<string, number>();
  /** Location id by mapping and frame name: "mappingId\0name". */
  const locIds = new Map<string, number>();

  const mappingOf = (frame: string, root: string): number => {
    const b = p.binaryOf?.(frame, root);
    if (!b) return 0;
    let id = mappingIds.get(b.file);
    if (id === undefined) {
      id = mappings.length + 1;
      mappingIds.set(b.file, id);
      mappings.push(new Mapping({ id, filename: str(b.file), buildId: str(b.buildId ?? ''), hasFunctions: true }));
    }
    return id;
  };
  const funcIds = new Map<string, number>();
  const locationOf = (frame: string, mappingId: number): number => {
    const key = `${mappingId}\0${frame}`;
    let id = locIds.get(key);
    if (id !== undefined) return id;
    let fid = funcIds.get(frame);
    if (fid === undefined) {
      fid = functions.length + 1;
      funcIds.set(frame, fid);
      functions.push(new PFunction({ id: fid, name: str(frame), systemName: str(frame) }));
    }
    id = locations.length + 1;
    locIds.set(key, id);
    locations.push(new Location({ id, mappingId, line: [{ functionId: fid }] }));
    return id;
  };

  const factors = [1, ...(p.derived ?? []).map((d) => d.factor)];
  const samples: Sample[] = [];
  for (const [stack, v] of p.stacks) {
    if (v === 0) continue;
    const frames = stack.split(';');
    const root = frames[0]!;
    const ids: number[] = new Array(frames.length);
    // Leaf first; the root frame itself belongs to no binary.
    for (let i = 0; i < frames.length; i++) ids[frames.length - 1 - i] = locationOf(frames[i]!, i === 0 ? 0 : mappingOf(frames[i]!, root));
    samples.push(new Sample({ locationId: ids, value: factors.map((f) => Math.round(v * f)) }));
  }

  const vt = (k: { type: string; unit: string }) => new ValueType({ type: str(k.type), unit: str(k.unit) });
  const profile = new Profile({
    sampleType: [vt(p.value), ...(p.derived ?? []).map(vt)],
    sample: samples,
    mapping: mappings,
    location: locations,
    function: functions,
    stringTable: strings,
    periodType: p.periodType ? vt(p.periodType) : undefined,
    period: p.period ?? 0,
    durationNanos: p.durationNanos ?? 0,
    timeNanos: p.timeNanos !== undefined ? BigInt(Math.round(p.timeNanos)) : 0,
    comment: [str(`written by ctrscope from ${p.name}'s folded stacks`)],
  });
  return gzipSync(profile.encode());
}
