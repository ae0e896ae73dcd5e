/**
 * The symbolizer over real captures (fixtures/symbols/, see its README): cpu-profile and off-cpu
 * stacks of a container-start loop, where bpftrace left the user frames of exited shims raw, named
 * again from what was recorded of each process while it ran and the binaries on this host. Names
 * are checked against `nm -D` of the same binary.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { BpftraceJsonParser } from '../../parsers/bpftrace-json.js';
import { foldStackMap, seenPid, splitStackKey } from '../../parsers/bpftrace-stacks.js';
import { StackSymbolizer, WHY, type ProcessImage } from '../../parsers/symbolize.js';
import { fileBuildId, loadBinarySymbols } from '../../src/host/elf.js';
import { stackLayout } from '../../src/summaries/stacks.js';

const read = (f: string) => gunzipSync(readFileSync(new URL(`../../fixtures/symbols/${f}`, import.meta.url))).toString('utf8');
const SHIM = '/usr/bin/containerd-shim-runc-v2';

function capture(name: string, map: string) {
  const lines = read(`${name}.jsonl.gz`).split('\n');
  const rec = JSON.parse(read(`${name}.images.json.gz`)) as { images: ProcessImage[]; missed: number[] };
  const p = new BpftraceJsonParser();
  for (const l of lines) p.line(l);
  const images = new Map(rec.images.map((i) => [i.pid, i]));
  return { lines, rec, images, value: p.result().maps.get(map)!.value as Record<string, number>, unrecognized: p.result().unrecognized };
}

/** The binaries the capture's processes ran are the ones installed here (same build ids). */
function sameBinaries(images: Map<number, ProcessImage>): string | null {
  for (const i of images.values()) if (i.exe && i.buildId && fileBuildId(i.exe) !== i.buildId) return `${i.exe} is not the build the capture ran (re-record fixtures/symbols)`;
  return null;
}

for (const [name, map] of [['cpu-profile', '@stacks'], ['off-cpu', '@offcpu_ns']] as const) {
  const c = capture(name, map);
  const differs = sameBinaries(c.images);
  describe.skipIf(differs !== null && process.env.CI !== 'true')(`${name} capture`, () => {
    it('every "seen" line was read as one process (or noted gone)', () => {
      expect(differs).toBeNull();
      expect(c.unrecognized).toBe(0);
      const seen = new Set(c.lines.map(seenPid).filter((p): p is number => p !== null));
      expect(seen.size).toBeGreaterThan(10);
      expect(new Set([...c.images.keys(), ...c.rec.missed])).toEqual(seen);
    });

    it('names frames bpftrace left raw: the [unknown] share falls to 5% or less, each remaining one with its reason', () => {
      const layout = stackLayout(c.value);
      expect(layout).toContain('pid');
      const before = foldStackMap(c.value, layout);
      const s = new StackSymbolizer(c.images, (p, id) => loadBinarySymbols(p, id));
      const after = foldStackMap(c.value, layout, { symbolize: (pid, comm, a) => s.resolve(pid, comm, a) });
      const pct = (f: typeof before) => (f.unknown / f.frames) * 100;
      // Before: many raw frames (the shims had exited when bpftrace printed).
      expect(pct(before)).toBeGreaterThan(15);
      expect(pct(after)).toBeLessThanOrEqual(5);
      expect(after.total).toBe(before.total);
      const reasons = Object.keys(after.why);
      for (const w of reasons) expect(Object.values(WHY)).toContain(w);
      expect(Object.values(after.why).reduce((a, b) => a + b, 0)).toBe(after.unknown);
    });

    it("the shim's named frames are the symbols nm -D lists at those addresses", () => {
      const nm = new Map<string, number>();
      for (const l of execFileSync('nm', ['-D', '--defined-only', SHIM], { encoding: 'utf8', maxBuffer: 64 << 20 }).split('\n')) {
        const [, a, n] = /^([0-9a-f]+) \w (.+)$/.exec(l) ?? [];
        if (n) nm.set(n, parseInt(a!, 16));
      }
      const s = new StackSymbolizer(c.images, (p, id) => loadBinarySymbols(p, id));
      let checked = 0;
      for (const key of Object.keys(c.value)) {
        const [, u, pid, comm] = splitStackKey(key, 4);
        if (comm !== 'containerd-shim' || c.images.get(Number(pid))?.exe !== SHIM) continue;
        for (const f of u!.split('\n').map((x) => x.trim()).filter((x) => /^0x[0-9a-f]+$/.test(x))) {
          const addr = parseInt(f, 16);
          const r = s.resolve(Number(pid), comm, addr);
          if (!('frame' in r) || addr > 0x7f0000000000) continue;
          const [, name, off] = /^(.*)\+(\d+)$/.exec(r.frame)!;
          if (!nm.has(name!)) continue; // named from .gopclntab: not in .dynsym
          expect(nm.get(name!)! + Number(off)).toBe(addr);
          checked++;
        }
      }
      expect(checked).toBeGreaterThan(20);
    });
  });
}
