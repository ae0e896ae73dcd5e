/**
 * The symbolizer on real binaries, checked against other tools on the same files: Debian's shim
 * (stripped of .symtab, large .dynsym) against `nm -D`; runc (177 dynamic symbols, names from
 * .gopclntab) against `go tool addr2line`; a Go program built here and stripped; a PIE executable
 * and a shared library built here with gcc, named from the maps read while the process ran, after
 * it exited; runc known only from the kernel's exec line, and runc init run from a memfd copy.
 */
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { copyFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { clearSymbolCache, elfType, fileBuildId, loadBinarySymbols } from '../../src/host/elf.js';
import { ProcessImages } from '../../src/host/process-images.js';
import { symbolIn, WHY, StackSymbolizer } from '../../parsers/symbolize.js';
import { readElf, section, sectionBytes } from '../../parsers/elf.js';
import { readPclntab } from '../../parsers/gopclntab.js';
import { missing } from '../helpers/prereq.js';

const SHIM = '/usr/bin/containerd-shim-runc-v2';
const RUNC = '/usr/sbin/runc';
const tool = (t: string) => spawnSync('sh', ['-c', `command -v ${t}`]).status === 0;
/** Outside CI a missing tool skips; under CI=true it fails (setup must install it). */
const lacking = (...tools: string[]): string | null => tools.find((t) => !tool(t)) ?? null;
const skipUnlessCI = (why: string | null) => why !== null && process.env.CI !== 'true';

const dir = mkdtempSync(join(tmpdir(), 'ctrscope-sym-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** `nm -D --defined-only` text symbols: address → names. */
function nmFunctions(path: string, dynamic = true): Map<number, string[]> {
  const out = execFileSync('nm', [...(dynamic ? ['-D'] : []), '--defined-only', path], { encoding: 'utf8', maxBuffer: 64 << 20 });
  const m = new Map<number, string[]>();
  for (const l of out.split('\n')) {
    const [, a, t, name] = /^([0-9a-f]+) (\w) (.+)$/.exec(l) ?? [];
    if (!name || (t !== 'T' && t !== 't')) continue;
    const addr = parseInt(a!, 16);
    m.set(addr, [...(m.get(addr) ?? []), name]);
  }
  return m;
}

function fileReader(path: string) {
  const buf = readFileSync(path);
  return (o: number, l: number) => buf.subarray(o, o + l);
}

/** Every step-th entry of a list (a spread sample, never empty for a non-empty list). */
const spread = <T>(xs: T[], n: number): T[] => xs.filter((_, i) => i % Math.max(1, Math.floor(xs.length / n)) === 0);

describe.skipIf(skipUnlessCI(missing('containerd') ?? lacking('nm')))("Debian's shim: .dynsym against nm -D", () => {
  it('names addresses inside 200 functions as nm -D does, and .gopclntab agrees', () => {
    const b = loadBinarySymbols(SHIM)!;
    expect(b.symtab.names.length).toBe(0); // stripped of .symtab: the names come from .dynsym
    expect(b.gopclntab?.version).toBe('1.18');
    const nm = [...nmFunctions(SHIM)].sort((a, c) => a[0] - c[0]);
    const sample = spread(nm.slice(0, -1), 200);
    expect(sample.length).toBeGreaterThan(150);
    let goSame = 0;
    for (const [addr, names] of sample) {
      const got = symbolIn(b, addr + 1);
      expect(names.map((n) => `${n}+1`)).toContain(got);
      const go = b.gopclntab!.lookup(addr + 1);
      if (go && names.some((n) => n.replace(/\.abi0$/, '') === go.name)) goSame++;
    }
    // .dynsym shortens some generated type..eq names to hashes; all others agree with .gopclntab.
    expect(goSame).toBeGreaterThan(sample.length * 0.9);
  });

  it('a stripped copy (strip --strip-all) names the same addresses, from the same build id', () => {
    if (skipUnlessCI(lacking('strip'))) return;
    const copy = join(dir, 'shim-stripped');
    copyFileSync(SHIM, copy);
    execFileSync('strip', ['--strip-all', copy]);
    clearSymbolCache();
    const b = loadBinarySymbols(copy)!;
    expect(b.buildId).toBe(fileBuildId(SHIM));
    for (const [addr, names] of spread([...nmFunctions(SHIM)], 50)) expect(names.map((n) => `${n}+4`)).toContain(symbolIn(b, addr + 4));
  });
});

describe.skipIf(skipUnlessCI(missing('go') ?? (tool(RUNC) ? null : 'runc not installed')))('runc: .gopclntab against go tool addr2line', () => {
  it('names and lines agree for 100 pcs; the names-only table ctrscope keeps names them the same', () => {
    const b = loadBinarySymbols(RUNC)!;
    expect(b.dynsym.names.length).toBeLessThan(500); // almost every name must come from .gopclntab
    const elf = readElf(fileReader(RUNC))!;
    const text = section(elf, '.text')!.addr;
    // The whole table (files and lines), read here from the section; loadBinarySymbols keeps names only.
    const full = readPclntab(sectionBytes(fileReader(RUNC), section(elf, '.gopclntab')), b.gopclntab!.textStart)!;
    expect(full.functions).toBe(b.gopclntab!.functions);
    // go tool addr2line (Go 1.19) bases a stripped binary's table at .text when it has no
    // runtime.text symbol; the pclntab header holds the linker's runtime.text (cgo code comes
    // first). Its answer for pc P is ours for P + (runtime.text - .text).
    const shift = b.gopclntab!.textStart - text;
    expect(shift).toBeGreaterThan(0);
    const pcs = spread(Array.from({ length: 2000 }, (_, i) => b.gopclntab!.minPc + Math.floor(((b.gopclntab!.maxPc - b.gopclntab!.minPc) * i) / 2000)), 100);
    const out = execFileSync('go', ['tool', 'addr2line', RUNC], { input: pcs.map((p) => `0x${(p - shift).toString(16)}`).join('\n') + '\n', encoding: 'utf8' }).trim().split('\n');
    expect(out.length).toBe(pcs.length * 2);
    const differ: string[] = [];
    pcs.forEach((pc, i) => {
      const mine = full.lookup(pc);
      const named = b.gopclntab!.lookup(pc);
      if (named?.name !== mine?.name || named?.entry !== mine?.entry || named?.file !== null) differ.push(`names-only ${pc.toString(16)}: ${named?.name}+${named?.entry} ${named?.file}`);
      const fileLine = out[2 * i + 1]!;
      // Padding after a function's end has no line: addr2line prints ":-1" there.
      if (!mine || mine.name !== out[2 * i] || fileLine !== `${mine.file ?? ''}:${mine.line ?? -1}`) differ.push(`${pc.toString(16)} ${mine?.name} ${mine?.file}:${mine?.line} / ${out[2 * i]} ${fileLine}`);
    });
    expect(differ).toEqual([]);
  });
});

describe.skipIf(skipUnlessCI(missing('go') ?? lacking('strip')))('a Go program built here, stripped', () => {
  it('.gopclntab alone names what the unstripped build names (go tool addr2line)', () => {
    const src = join(dir, 'hello.go');
    writeFileSync(src, 'package main\n\nimport "fmt"\n\n//go:noinline\nfunc work(n int) int { s := 0; for i := 0; i < n; i++ { s += i * i }; return s }\n\nfunc main() { fmt.Println(work(10)) }\n');
    const exe = join(dir, 'hello');
    execFileSync('go', ['build', '-o', exe, src], { env: { ...process.env, GOCACHE: join(dir, 'gocache'), GOPATH: join(dir, 'gopath'), GOFLAGS: '-mod=mod', CGO_ENABLED: '0' }, stdio: 'ignore' });
    const full = nmFunctions(exe, false);
    const stripped = join(dir, 'hello-stripped');
    copyFileSync(exe, stripped);
    execFileSync('strip', ['--strip-all', stripped]);
    const b = loadBinarySymbols(stripped)!;
    expect(b.symtab.names.length + b.dynsym.names.length).toBe(0);
    const sample = spread([...full].filter(([, n]) => n.some((x) => x.startsWith('main.') || x.startsWith('fmt.') || x.startsWith('runtime.'))), 80);
    const pcs = sample.map(([a]) => a + 2);
    const out = execFileSync('go', ['tool', 'addr2line', exe], { input: pcs.map((p) => `0x${p.toString(16)}`).join('\n') + '\n', encoding: 'utf8' }).trim().split('\n');
    expect(sample.length).toBeGreaterThan(40);
    pcs.forEach((pc, i) => expect(`${b.gopclntab!.lookup(pc)?.name}`).toBe(out[2 * i]));
    const work = [...full].find(([, n]) => n.includes('main.work'))!;
    expect(symbolIn(b, work[0] + 2)).toBe('main.work+2');
  });
});

describe.skipIf(skipUnlessCI(lacking('gcc', 'nm', 'strip')))('a PIE executable and a shared library (gcc)', () => {
  it('named from the maps read while it ran, after it exited; a stripped copy says why not', async () => {
    writeFileSync(join(dir, 'lib.c'), 'int ctr_lib_work(int n) { volatile int s = 0; for (int i = 0; i < n; i++) s += i; return s; }\n');
    writeFileSync(
      join(dir, 'main.c'),
      '#include <stdio.h>\n#include <unistd.h>\nint ctr_lib_work(int);\nint ctr_main_work(int n) { return ctr_lib_work(n) + 1; }\nint main(void) { printf("%p %p\\n", (void *)ctr_main_work, (void *)ctr_lib_work); fflush(stdout); ctr_main_work(3); pause(); return 0; }\n',
    );
    const results: Record<string, string[]> = {};
    for (const variant of ['plain', 'stripped']) {
      const lib = join(dir, `libctrhelp-${variant}.so`);
      const exe = join(dir, `helper-${variant}`);
      execFileSync('gcc', ['-O0', '-shared', '-fPIC', '-o', lib, join(dir, 'lib.c')]);
      execFileSync('gcc', ['-O0', '-fPIE', '-pie', '-o', exe, join(dir, 'main.c'), lib, `-Wl,-rpath,${dir}`]);
      if (variant === 'stripped') execFileSync('strip', ['--strip-all', exe, lib]);
      expect(elfType(exe)).toBe(3);
      const child = spawn(exe, [], { stdio: ['ignore', 'pipe', 'ignore'] });
      const line = await new Promise<string>((r) => child.stdout!.once('data', (d) => r(String(d))));
      const [mainAddr, libAddr] = line.trim().split(' ').map((x) => parseInt(x, 16));
      const images = new ProcessImages();
      expect(images.record(child.pid!)).toBe(true);
      child.kill('SIGKILL');
      await new Promise((r) => child.once('close', r));
      clearSymbolCache();
      const s = new StackSymbolizer(images.images, (p, id) => loadBinarySymbols(p, id));
      results[variant] = [mainAddr!, libAddr!].map((a) => {
        const r = s.resolve(child.pid!, `helper-${variant}`, a + 4);
        return 'frame' in r ? r.frame : r.why;
      });
    }
    // ASLR put both at random addresses: the names came through the recorded maps.
    expect(results.plain).toEqual(['ctr_main_work+4', 'ctr_lib_work+4']);
    // Stripped: the library still exports its function (.dynsym); the executable has no symbols left.
    expect(results.stripped).toEqual([WHY.noSymbols, 'ctr_lib_work+4']);
  });
});

describe.skipIf(skipUnlessCI(tool(RUNC) ? null : 'runc not installed'))('runc gone before anything was read, and runc init from a memfd', () => {
  it('an exec line alone names a gone runc; a library address of it ends the walk', () => {
    const b = loadBinarySymbols(RUNC)!;
    const images = new ProcessImages();
    // No such process (above any pid_max): only the kernel's exec line is known of it.
    const pid = 0x7ffffff0;
    images.exec(pid, RUNC);
    expect(images.images.get(pid)).toEqual({ pid, comm: 'runc', exe: RUNC, buildId: fileBuildId(RUNC), maps: null });
    const pc = b.gopclntab!.minPc + 0x2345;
    const s = new StackSymbolizer(images.images, (p, id) => loadBinarySymbols(p, id));
    expect(s.resolve(pid, 'runc', pc)).toEqual({ frame: symbolIn(b, pc) });
    expect(s.resolve(pid, 'runc', 0x7f1234567890)).toEqual({ why: WHY.goneLibrary });
    // A path under /proc (runc init executes /proc/self/exe) says nothing once the process is gone.
    images.exec(pid, '/proc/self/exe');
    expect(images.images.has(pid)).toBe(false);
  });

  it('runc init (a sealed memfd copy of runc) is named through the same build id at runc\'s path; alone it says why not', () => {
    clearSymbolCache();
    const id = fileBuildId(RUNC)!;
    const b = loadBinarySymbols(RUNC)!;
    const text = b.segments.find((g) => g.type === 1 && (g.flags & 1) !== 0)!;
    const memfd = '/memfd:runc_cloned:/proc/self/exe';
    // Hand-written: the maps line /proc/PID/maps shows for runc init's code (its exe link reads the same).
    const maps = [{ start: text.vaddr - (text.vaddr % 4096), end: text.vaddr + text.memsz, perms: 'r-xp', offset: text.offset - (text.offset % 4096), path: `${memfd} (deleted)` }];
    const init = { pid: 2, comm: 'runc:[2:INIT]', exe: memfd, buildId: id, maps };
    const pc = b.gopclntab!.minPc + 0x4321;
    clearSymbolCache();
    const alone = new StackSymbolizer(new Map([[2, init]]), (p, i) => loadBinarySymbols(p, i));
    expect(alone.resolve(2, 'runc:[2:INIT]', pc)).toEqual({ why: WHY.unreadable });
    // The failed load above is not remembered against the build id.
    const both = new StackSymbolizer(new Map([[1, { pid: 1, comm: 'runc', exe: RUNC, buildId: id, maps: null }], [2, init]]), (p, i) => loadBinarySymbols(p, i));
    expect(both.resolve(2, 'runc:[2:INIT]', pc)).toEqual({ frame: symbolIn(b, pc) });
  });
});
