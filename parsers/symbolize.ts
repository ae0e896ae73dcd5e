/**
 * Names user-space addresses that the tracer left raw (bpftrace symbolizes when it prints, through
 * /proc/PID/maps, and short-lived shims and runc are gone by then): from what was recorded about
 * each process while it lived (its executable, build id and executable mappings), and the symbols
 * of those binaries (.symtab, .dynsym, Go's .gopclntab). Pure: the binaries come from a loader the
 * caller gives (src/host/elf.ts reads and caches them per build id); everything here is lookups.
 *
 * An address that stays unknown gets a reason, for the run's notes.
 */
import { ET_EXEC, fileOffsetToAddr, lookupSymbol, type ElfSegment, type SymbolTable } from './elf.js';
import type { Pclntab } from './gopclntab.js';
import { mappingAt, type Mapping } from './proc-maps.js';

/** What the symbolizer needs of one binary (loaded once per build id). */
export interface BinarySymbols {
  path: string;
  buildId: string | null;
  /** ET_EXEC: addresses are link-time addresses in every process; ET_DYN: relative to the load address. */
  type: number;
  segments: ElfSegment[];
  symtab: SymbolTable;
  dynsym: SymbolTable;
  gopclntab: Pclntab | null;
  /** The separate debug file whose .symtab was used, if any. */
  debugFile: string | null;
}

/** What was seen of one process while it ran. */
export interface ProcessImage {
  pid: number;
  comm: string | null;
  /** /proc/PID/exe's target (" (deleted)" removed); null when it could not be read. */
  exe: string | null;
  /** The executable's build id, read while the process ran. */
  buildId: string | null;
  /** Executable mappings; null when /proc/PID/maps could not be read (the process was gone). */
  maps: Mapping[] | null;
}

/** (path, build id the process ran or null) → its symbols, or null when the file cannot be read (or is another build). */
export type BinaryLoader = (path: string, buildId: string | null) => BinarySymbols | null;

export const WHY = {
  gone: 'process gone before its maps were read',
  jit: 'JIT or anonymous code (no file behind the address)',
  noSymbols: 'no symbols in the binary for the address',
  unreadable: 'binary unreadable, or replaced since the process ran',
  /**
   * Not a return address of any mapping: a frame-pointer walk through code built without frame
   * pointers (libc) read garbage from here on, so the frames past it are dropped.
   */
  unmapped: 'stack walk left the mappings (code without frame pointers); frames past it dropped',
  /**
   * Outside the fixed-address executable of a process whose maps were never read (it was gone
   * first): a shared library's or the loader's frame, whose load address only the maps had (or
   * garbage past such code, walked without frame pointers), so the frames past it are dropped.
   */
  goneLibrary: 'library frame of a process gone before its maps were read; frames past it dropped',
} as const;
export type UnknownWhy = (typeof WHY)[keyof typeof WHY];

export type Resolved = { frame: string } | { why: UnknownWhy };

/** Reasons after which the rest of a user stack is not worth reading (the walk went astray). */
export const ENDS_STACK: ReadonlySet<string> = new Set([WHY.unmapped, WHY.goneLibrary]);

const PT_LOAD = 1;
/** True when addr lies in one of b's loadable segments (an ET_EXEC's link-time addresses). */
function inSegments(b: BinarySymbols, addr: number): boolean {
  return b.segments.some((s) => s.type === PT_LOAD && addr >= s.vaddr && addr < s.vaddr + s.memsz);
}

/**
 * Names already looked up, per binary (a deterministic memo: the same binary and address always
 * give the same name). The live view names every user frame itself, print after print, and most
 * addresses recur; bounded per binary.
 */
const named = new WeakMap<BinarySymbols, Map<number, string | null>>();
const NAMED_MAX = 100_000;

/** The name of addr (a link-time address of binary b): .symtab, then .dynsym, then .gopclntab. */
export function symbolIn(b: BinarySymbols, addr: number): string | null {
  let m = named.get(b);
  if (!m) named.set(b, (m = new Map()));
  const known = m.get(addr);
  if (known !== undefined) return known;
  if (m.size >= NAMED_MAX) m.clear();
  const name = lookupName(b, addr);
  m.set(addr, name);
  return name;
}

function lookupName(b: BinarySymbols, addr: number): string | null {
  const inGo = b.gopclntab && addr >= b.gopclntab.minPc && addr < b.gopclntab.maxPc;
  for (const t of [b.symtab, b.dynsym]) {
    const s = lookupSymbol(t, addr);
    // A Go binary's sparse .dynsym: a symbol without a size says nothing about the next function.
    if (s && (!inGo || s.size > 0)) return `${s.name}+${s.offset}`;
  }
  if (inGo) {
    const f = b.gopclntab!.lookup(addr);
    if (f) return `${f.name}+${addr - f.entry}`;
  }
  return null;
}

const isFile = (path: string) => path.startsWith('/');
const strip = (path: string) => path.replace(/ \(deleted\)$/, '');

export class StackSymbolizer {
  /** pid (or comm, for keys without one) → address → what it resolved to. */
  private readonly memo = new Map<number | string, Map<number, Resolved>>();
  /** A mapping's binary, for this print (most frames of a process fall in a few mappings). */
  private readonly byMapping = new Map<Mapping, BinarySymbols | null>();
  /** comm → the executable most of its recorded processes ran (more than half of them), if any. */
  private readonly byComm = new Map<string, ProcessImage>();

  /** Build id → a path it was seen at that is a file (for images run from a memfd or a deleted file). */
  private readonly pathById = new Map<string, string>();

  constructor(
    private readonly images: ReadonlyMap<number, ProcessImage>,
    private readonly load: BinaryLoader,
  ) {
    for (const img of images.values()) if (img.buildId && img.exe && !img.exe.startsWith('/memfd:')) this.pathById.set(img.buildId, img.exe);
    // A process read just as it executed another program can show the old comm with the new exe
    // (a shim's child becoming runc): the majority decides, not unanimity.
    const votes = new Map<string, Map<string, { img: ProcessImage; n: number }>>();
    for (const img of images.values()) {
      if (!img.comm || !img.exe) continue;
      const byExe = votes.get(img.comm) ?? new Map<string, { img: ProcessImage; n: number }>();
      votes.set(img.comm, byExe);
      const k = `${img.exe}\0${img.buildId}`;
      const v = byExe.get(k) ?? { img, n: 0 };
      v.n++;
      byExe.set(k, v);
    }
    for (const [c, byExe] of votes) {
      const all = [...byExe.values()];
      const total = all.reduce((a, v) => a + v.n, 0);
      const top = all.sort((a, b) => b.n - a.n)[0]!;
      if (top.n * 2 > total) this.byComm.set(c, top.img);
    }
  }

  /** Names addr of process pid (comm: its name, for processes never recorded); memoized per pid and address. */
  resolve(pid: number | null, comm: string, addr: number): Resolved {
    const who = pid ?? comm;
    let m = this.memo.get(who);
    if (!m) this.memo.set(who, (m = new Map()));
    let r = m.get(addr);
    if (!r) m.set(addr, (r = this.compute(pid, comm, addr)));
    return r;
  }

  private compute(pid: number | null, comm: string, addr: number): Resolved {
    let img = pid === null ? undefined : this.images.get(pid);
    // The stack was taken under another comm than the one recorded for the pid: the process ran
    // another program then (a fork of containerd before it executed the shim), so the program
    // that comm's processes ran says more than this pid's later maps.
    const other = img && img.comm !== null && img.comm !== comm ? this.byComm.get(comm) : undefined;
    if (other) img = { ...other, pid: pid ?? other.pid, maps: null };
    let miss: Resolved = { why: WHY.gone };
    if (img?.maps) {
      miss = this.viaMaps(img, addr);
      if ('frame' in miss || miss.why !== WHY.unmapped) return miss;
    }
    // Not in the maps read (or none read): a fixed-address executable names the address all the
    // same, from the process's own exe (told by the kernel at exec, or read while it ran), or,
    // when nothing was recorded of the pid, from the one executable the processes of that comm ran.
    const exe = img?.exe ? img : this.byComm.get(comm);
    if (exe?.exe) {
      const b = this.binary(exe.exe, exe.buildId);
      if (b && b.type === ET_EXEC) {
        const name = symbolIn(b, addr);
        if (name) return { frame: name };
        // Without maps, an address outside the executable is a library's (or garbage past one).
        if (!img?.maps && !inSegments(b, addr)) return { why: WHY.goneLibrary };
      }
    }
    return miss;
  }

  /**
   * The binary at path, or when it cannot be read there (runc init runs from a sealed memfd copy
   * of runc: "/memfd:runc_cloned:/proc/self/exe (deleted)"), the same build id at a path another
   * process ran it from.
   */
  private binary(path: string, buildId: string | null): BinarySymbols | null {
    const b = this.load(path, buildId);
    const other = b || !buildId ? undefined : this.pathById.get(buildId);
    return b ?? (other && other !== path ? this.load(other, buildId) : null);
  }

  private viaMaps(img: ProcessImage, addr: number): Resolved {
    const m = mappingAt(img.maps!, addr);
    if (!m) return { why: WHY.unmapped };
    if (!isFile(m.path)) return m.path.startsWith('[') && m.path !== '[heap]' && m.path !== '[stack]' ? { frame: m.path } : { why: WHY.jit };
    let b = this.byMapping.get(m);
    if (b === undefined) {
      const path = strip(m.path);
      this.byMapping.set(m, (b = this.binary(path, path === img.exe ? img.buildId : null)));
    }
    if (!b) return { why: WHY.unreadable };
    let at: number | null = addr;
    if (b.type !== ET_EXEC) at = fileOffsetToAddr(b.segments, addr - m.start + m.offset);
    const name = at === null ? null : symbolIn(b, at);
    return name ? { frame: name } : { why: WHY.noSymbols };
  }
}
