/**
 * Under a container-start loop, the frames of processes gone before bpftrace printed (the shims'
 * short runs, runc, runc init) are named, and named right: the shipped programs run for real,
 * what ProcessImages reads at their "seen"/"exec" lines names the raw addresses, and a sample of
 * them is checked against the binary with tools that are not ctrscope's (nm -D -S: the .dynsym
 * symbol whose range holds the address; go tool addr2line for the Go functions .dynsym lacks,
 * all of runc's). And the live stacks source, fed live-stacks.bt's output as the live view feeds
 * it, hands its panel and the `e` export at most 5% [unknown] frames.
 */
import { execFileSync, spawn } from 'node:child_process';
import { closeSync, openSync, readFileSync, readSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { missing } from '../helpers/prereq.js';
import { underLoad } from '../helpers/probe-run.js';
import { BpftraceJsonParser } from '../../parsers/bpftrace-json.js';
import { foldStackMap, splitStackKey } from '../../parsers/bpftrace-stacks.js';
import { stackLayout } from '../../src/summaries/stacks.js';
import { StackSymbolizer } from '../../parsers/symbolize.js';
import { targetPredicate, withPredicate } from '../../probes/filter.js';
import { loadBinarySymbols } from '../../src/host/elf.js';
import { ProcessImages } from '../../src/host/process-images.js';
import { stacksSource } from '../../src/session/live-sources/stacks.js';

const SHIM = '/usr/bin/containerd-shim-runc-v2';
const RUNC = '/usr/sbin/runc';
const skip = missing('root', 'bpftrace', 'containerd', 'tracefs', 'image', 'go');

/** Runs a shipped .bt program for seconds (SIGINT then: it prints its maps), each stdout line to onLine as it comes. */
async function trace(name: string, comms: string[], seconds: number, onLine: (l: string) => void): Promise<string[]> {
  const pred = targetPredicate({ defaultTargets: comms.length === 0, pids: [], comms, containers: [] });
  const program = withPredicate(readFileSync(new URL(`../../probes/${name}.bt`, import.meta.url), 'utf8'), pred);
  const bt = spawn('setpriv', ['--pdeathsig', 'KILL', '--', 'bpftrace', '-f', 'json', '-e', program, ...pred.args], {
    env: { ...process.env, BPFTRACE_CACHE_USER_SYMBOLS: '1' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const lines: string[] = [];
  let rest = '';
  let err = '';
  bt.stderr.on('data', (c) => (err += c));
  bt.stdout.setEncoding('utf8');
  bt.stdout.on('data', (chunk: string) => {
    const ls = (rest + chunk).split('\n');
    rest = ls.pop()!;
    for (const l of ls) {
      lines.push(l);
      onLine(l);
    }
  });
  const closed = new Promise<number | null>((r) => bt.on('close', r));
  await new Promise((r) => setTimeout(r, seconds * 1000));
  bt.kill('SIGINT');
  const code = await closed;
  if (rest) lines.push(rest);
  expect(code, err.slice(-500)).toBe(0);
  return lines;
}

/** .dynsym functions with their sizes, as nm -D -S prints them. */
function nmSized(bin: string): Map<string, { addr: number; size: number }> {
  const out = new Map<string, { addr: number; size: number }>();
  for (const l of execFileSync('nm', ['-D', '-S', '--defined-only', bin], { encoding: 'utf8', maxBuffer: 64 << 20 }).split('\n')) {
    const m = /^([0-9a-f]+) ([0-9a-f]+) [Tt] (.+)$/.exec(l);
    if (m) out.set(m[3]!, { addr: parseInt(m[1]!, 16), size: parseInt(m[2]!, 16) });
  }
  return out;
}

/**
 * Debian's go tool addr2line (Go 1.19) takes the .text section's address as the base of the
 * pclntab's function offsets; in these cgo binaries Go's code starts a little later (the 1.18+
 * pclntab header's textStart: 0x100 bytes on in the shim, 0x120 in runc), so it names address A
 * as the function at A + (textStart - .text). The shift is read here from the file, not from
 * ctrscope: readelf's section table and the header's 8 bytes at .gopclntab + 24.
 */
function addr2lineShift(bin: string): number {
  const sections = execFileSync('readelf', ['-S', '-W', bin], { encoding: 'utf8' });
  const text = /\]\s+\.text\s+\S+\s+([0-9a-f]+)/.exec(sections)!;
  const pcln = /\]\s+\.gopclntab\s+\S+\s+[0-9a-f]+\s+([0-9a-f]+)/.exec(sections)!;
  const fd = openSync(bin, 'r');
  const b = Buffer.alloc(8);
  readSync(fd, b, 0, 8, parseInt(pcln[1]!, 16) + 24);
  closeSync(fd);
  return Number(b.readBigUInt64LE()) - parseInt(text[1]!, 16);
}

function addr2line(bin: string, addrs: number[]): string[] {
  const shift = addr2lineShift(bin);
  const out = execFileSync('go', ['tool', 'addr2line', bin], { input: addrs.map((a) => `0x${(a - shift).toString(16)}`).join('\n') + '\n', encoding: 'utf8' }).split('\n');
  return addrs.map((_, i) => out[2 * i]!);
}

/** The end of a fixed-address executable's loaded segments (readelf -l): below it, its own code. */
function loadEnd(bin: string): number {
  let end = 0;
  for (const m of execFileSync('readelf', ['-l', '-W', bin], { encoding: 'utf8' }).matchAll(/^\s+LOAD\s+\S+\s+(0x[0-9a-f]+)\s+\S+\s+\S+\s+(0x[0-9a-f]+)/gm)) end = Math.max(end, Number(m[1]) + Number(m[2]));
  expect(end).toBeGreaterThan(0x400000);
  return end;
}

const base = (frame: string) => frame.replace(/\+\d+$/, '').replace(/\.abi0$/, '');

describe.skipIf(skip)('frames of gone shims and runc, named as the binaries name them', () => {
  underLoad();

  it('cpu-profile.bt on the shim, runc and runc init: raw addresses named, nm -D -S and go tool addr2line agree', async () => {
    const images = new ProcessImages();
    const lines = await trace('cpu-profile', ['containerd-shim', 'runc', 'runc:[2:INIT]'], 8, (l) => images.line(l));
    const p = new BpftraceJsonParser();
    for (const l of lines) p.line(l);
    const stacks = p.result().maps.get('@stacks')!.value as Record<string, number>;
    const s = new StackSymbolizer(images.images, (path, id) => loadBinarySymbols(path, id));
    // Raw (left by bpftrace: the process was gone when it printed) addresses in each binary's code, named.
    const named = { [SHIM]: new Map<number, string>(), [RUNC]: new Map<number, string>() };
    let raw = 0;
    const ends = { [SHIM]: loadEnd(SHIM), [RUNC]: loadEnd(RUNC) };
    for (const key of Object.keys(stacks)) {
      const [, u, pid, comm] = splitStackKey(key, 4);
      // Which program a stack ran is its comm's (the kernel sets comm at exec; a shim's child
      // before it executes runc is still the shim), not what ctrscope recorded of the pid.
      const bin = comm === 'containerd-shim' ? SHIM : comm!.startsWith('runc') ? RUNC : null;
      for (const f of u!.split('\n').map((x) => x.trim())) {
        if (!/^0x[0-9a-f]+$/.test(f)) continue;
        raw++;
        const addr = parseInt(f, 16);
        const r = s.resolve(Number(pid), comm!, addr);
        if ('frame' in r && bin && addr < ends[bin]) named[bin].set(addr, r.frame);
      }
    }
    // Under this loop both binaries run and exit many times in 8 s; bpftrace leaves their frames raw.
    expect(raw).toBeGreaterThan(50);
    expect(named[SHIM].size).toBeGreaterThan(20);
    expect(named[RUNC].size).toBeGreaterThan(20);
    // What a flame graph of them shows: the target, 5% of frames (sample-weighted) [unknown].
    const f = foldStackMap(stacks, stackLayout(stacks), { symbolize: (pid, c, a) => s.resolve(pid, c, a) });
    expect((f.unknown / f.frames) * 100, JSON.stringify(f.why)).toBeLessThanOrEqual(5);
    for (const bin of [SHIM, RUNC] as const) {
      const nm = nmSized(bin);
      const sample = [...named[bin]].slice(0, 300);
      const a2l = addr2line(bin, sample.map(([a]) => a));
      let byNm = 0;
      sample.forEach(([addr, frame], i) => {
        const sym = nm.get(frame.replace(/\+\d+$/, ''));
        if (sym) {
          // The .dynsym symbol named holds the address, at the offset given.
          expect(addr - sym.addr, frame).toBe(Number(/\+(\d+)$/.exec(frame)![1]));
          expect(addr < sym.addr + sym.size, frame).toBe(true);
          byNm++;
          // C code of the cgo runtime (x_cgo_init ...): .dynsym names it, Go's tables do not.
          if (a2l[i] === '?') return;
        }
        expect(base(a2l[i]!), `${bin} 0x${addr.toString(16)}`).toBe(base(frame));
      });
      // The shim's .dynsym lists nearly every Go function; runc's only its cgo exports.
      if (bin === SHIM) expect(byNm).toBeGreaterThan(sample.length / 2);
    }
  }, 60_000);

  it('the live stacks source hands the panel at most 5% [unknown] frames (live-stacks.bt, two 10 s prints)', async () => {
    const named = stacksSource.create({ arch: process.arch, stackImages: () => new ProcessImages({ light: true }) });
    const bare = stacksSource.create({ arch: process.arch });
    named.runStarted?.(0, 0, {});
    bare.runStarted?.(0, 0, {});
    await trace('live-stacks', [], 21, (l) => {
      named.line(l, Date.now(), 0);
      bare.line(l, Date.now(), 0);
    });
    const share = (src: typeof named) => {
      const folded = src.output(0, { containerd: [], shims: [], containers: [] }).stacks!.folded;
      let frames = 0;
      let unknown = 0;
      for (const [stack, n] of folded) {
        const parts = stack.split(';').slice(1);
        frames += parts.length * n;
        unknown += parts.filter((f) => f === '[unknown]').length * n;
      }
      return { frames, pct: (unknown / frames) * 100, shim: folded.filter(([st]) => st.startsWith('containerd-shim;')).length };
    };
    const after = share(named);
    const before = share(bare);
    expect(after.frames).toBeGreaterThan(1000);
    expect(after.shim).toBeGreaterThan(10);
    // Without naming, the gone shims' frames are [unknown] (40-46% measured here, README); the
    // issue's target for what a person sees is 5% (measured here: under 1%).
    expect(before.pct).toBeGreaterThan(after.pct);
    expect(after.pct).toBeLessThanOrEqual(5);
  }, 60_000);
});
