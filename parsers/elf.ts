/**
 * ELF decoding for the symbolizer: the file header, section and program headers, function symbols
 * (.symtab, .dynsym), the GNU build id and the .gnu_debuglink. Pure: the bytes come from a reader
 * the caller gives (src/host/elf.ts reads files), so only the parts needed are ever read, never a
 * whole 50 MB binary.
 *
 * Why written here: npm's ELF readers (elfy, elf-tools, elfinfo) parse a whole file held in one
 * Buffer, have not been released for years, and none reads Go's .gopclntab or build-id debug files;
 * what the symbolizer needs is a few hundred lines. Written from the ELF specification (System V
 * ABI, gABI) and the layout Go's debug/elf documents, not from its code.
 *
 * Never throws on bad input: a truncated or foreign file gives null or an empty table.
 */

/** Reads up to `length` bytes at `offset`; a shorter (or empty) result means the file ends there. */
export type ReadAt = (offset: number, length: number) => Uint8Array;

export const ET_EXEC = 2;
export const ET_DYN = 3;
const SHT_SYMTAB = 2;
const SHT_NOTE = 7;
const SHT_NOBITS = 8;
const SHT_DYNSYM = 11;
const PT_LOAD = 1;
const PT_NOTE = 4;
const STT_FUNC = 2;
const STT_GNU_IFUNC = 10;
const NT_GNU_BUILD_ID = 3;

export interface ElfSection {
  name: string;
  type: number;
  addr: number;
  offset: number;
  size: number;
  link: number;
  entsize: number;
}

export interface ElfSegment {
  type: number;
  /** PF_X 1, PF_W 2, PF_R 4. */
  flags: number;
  offset: number;
  vaddr: number;
  filesz: number;
  memsz: number;
}

export interface ElfFile {
  is64: boolean;
  little: boolean;
  /** ET_EXEC (fixed addresses) or ET_DYN (PIE executables and shared libraries). */
  type: number;
  machine: number;
  sections: ElfSection[];
  segments: ElfSegment[];
}

/** A little cursor over bytes in the file's byte order and word size. */
class View {
  private readonly dv: DataView;
  constructor(
    readonly bytes: Uint8Array,
    private readonly little: boolean,
  ) {
    this.dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  }
  u8 = (o: number) => this.dv.getUint8(o);
  u16 = (o: number) => this.dv.getUint16(o, this.little);
  u32 = (o: number) => this.dv.getUint32(o, this.little);
  /** 64-bit values as numbers: addresses and offsets of real files fit in 2^53. */
  u64 = (o: number) => Number(this.dv.getBigUint64(o, this.little));
  word = (o: number, is64: boolean) => (is64 ? this.u64(o) : this.u32(o));
}

/** The NUL-terminated string at `off` in a string table. */
export function cString(table: Uint8Array, off: number): string {
  if (off < 0 || off >= table.length) return '';
  let end = table.indexOf(0, off);
  if (end === -1) end = table.length;
  return Buffer.from(table.buffer, table.byteOffset + off, end - off).toString('utf8');
}

/** Reads the file header and both header tables; null when it is not a readable ELF file. */
export function readElf(read: ReadAt): ElfFile | null {
  try {
    const id = read(0, 64);
    if (id.length < 52 || id[0] !== 0x7f || id[1] !== 0x45 || id[2] !== 0x4c || id[3] !== 0x46) return null;
    const is64 = id[4] === 2;
    const little = id[5] !== 2;
    if (is64 && id.length < 64) return null;
    const h = new View(id, little);
    const type = h.u16(16);
    const machine = h.u16(18);
    const phoff = h.word(is64 ? 32 : 28, is64);
    const shoff = h.word(is64 ? 40 : 32, is64);
    const phentsize = h.u16(is64 ? 54 : 42);
    const phnum = h.u16(is64 ? 56 : 44);
    const shentsize = h.u16(is64 ? 58 : 46);
    const shnum = h.u16(is64 ? 60 : 48);
    const shstrndx = h.u16(is64 ? 62 : 50);

    const segments: ElfSegment[] = [];
    if (phoff > 0 && phnum > 0 && phentsize >= (is64 ? 56 : 32)) {
      const pv = new View(read(phoff, phnum * phentsize), little);
      for (let i = 0; i < phnum && (i + 1) * phentsize <= pv.bytes.length; i++) {
        const o = i * phentsize;
        segments.push(
          is64
            ? { type: pv.u32(o), flags: pv.u32(o + 4), offset: pv.u64(o + 8), vaddr: pv.u64(o + 16), filesz: pv.u64(o + 32), memsz: pv.u64(o + 40) }
            : { type: pv.u32(o), offset: pv.u32(o + 4), vaddr: pv.u32(o + 8), filesz: pv.u32(o + 16), memsz: pv.u32(o + 20), flags: pv.u32(o + 24) },
        );
      }
    }

    const raw: Array<ElfSection & { nameOff: number }> = [];
    if (shoff > 0 && shnum > 0 && shentsize >= (is64 ? 64 : 40)) {
      const sv = new View(read(shoff, shnum * shentsize), little);
      for (let i = 0; i < shnum && (i + 1) * shentsize <= sv.bytes.length; i++) {
        const o = i * shentsize;
        raw.push(
          is64
            ? { name: '', nameOff: sv.u32(o), type: sv.u32(o + 4), addr: sv.u64(o + 16), offset: sv.u64(o + 24), size: sv.u64(o + 32), link: sv.u32(o + 40), entsize: sv.u64(o + 56) }
            : { name: '', nameOff: sv.u32(o), type: sv.u32(o + 4), addr: sv.u32(o + 12), offset: sv.u32(o + 16), size: sv.u32(o + 20), link: sv.u32(o + 24), entsize: sv.u32(o + 36) },
        );
      }
      const strs = raw[shstrndx];
      if (strs && strs.type !== SHT_NOBITS) {
        const table = read(strs.offset, strs.size);
        for (const s of raw) s.name = cString(table, s.nameOff);
      }
    }
    const sections = raw.map(({ nameOff: _n, ...s }) => s);
    return { is64, little, type, machine, sections, segments };
  } catch {
    return null;
  }
}

export function section(elf: ElfFile, name: string): ElfSection | undefined {
  return elf.sections.find((s) => s.name === name && s.type !== SHT_NOBITS);
}

/** A section's bytes (empty when it has none in the file). */
export function sectionBytes(read: ReadAt, s: ElfSection | undefined): Uint8Array {
  if (!s || s.type === SHT_NOBITS || s.size === 0) return new Uint8Array(0);
  return read(s.offset, s.size);
}

/** Function symbols sorted by address, for lookups by binary search. */
export interface SymbolTable {
  addrs: Float64Array;
  sizes: Float64Array;
  names: string[];
}

const EMPTY: SymbolTable = { addrs: new Float64Array(0), sizes: new Float64Array(0), names: [] };

/**
 * The defined function symbols of one symbol section (".symtab" or ".dynsym"), sorted by address;
 * of two at one address the one with a size wins. An absent or stripped section gives no symbols.
 */
export function functionSymbols(read: ReadAt, elf: ElfFile, which: '.symtab' | '.dynsym'): SymbolTable {
  try {
    const s = elf.sections.find((x) => x.type === (which === '.symtab' ? SHT_SYMTAB : SHT_DYNSYM));
    if (!s) return EMPTY;
    const strs = elf.sections[s.link];
    const names = sectionBytes(read, strs);
    const v = new View(sectionBytes(read, s), elf.little);
    const ent = elf.is64 ? 24 : 16;
    const found: Array<[number, number, string]> = [];
    for (let o = 0; o + ent <= v.bytes.length; o += ent) {
      const info = v.u8(elf.is64 ? o + 4 : o + 12);
      const kind = info & 0xf;
      const shndx = v.u16(elf.is64 ? o + 6 : o + 14);
      if ((kind !== STT_FUNC && kind !== STT_GNU_IFUNC) || shndx === 0) continue;
      const value = elf.is64 ? v.u64(o + 8) : v.u32(o + 4);
      const size = elf.is64 ? v.u64(o + 16) : v.u32(o + 8);
      if (value === 0) continue;
      found.push([value, size, cString(names, v.u32(o))]);
    }
    found.sort((a, b) => a[0] - b[0] || b[1] - a[1]);
    const out: SymbolTable = { addrs: new Float64Array(found.length), sizes: new Float64Array(found.length), names: [] };
    let n = 0;
    for (const [a, sz, name] of found) {
      if (n > 0 && out.addrs[n - 1] === a) continue;
      out.addrs[n] = a;
      out.sizes[n] = sz;
      out.names.push(name);
      n++;
    }
    return { addrs: out.addrs.slice(0, n), sizes: out.sizes.slice(0, n), names: out.names };
  } catch {
    return EMPTY;
  }
}

/**
 * The symbol holding `addr`, and the offset into it: the last symbol at or below it, when the
 * address is inside its size (a symbol without a size holds up to the next one). null outside.
 */
export function lookupSymbol(t: SymbolTable, addr: number): { name: string; offset: number; size: number } | null {
  let lo = 0;
  let hi = t.addrs.length - 1;
  if (hi < 0 || addr < t.addrs[0]!) return null;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (t.addrs[mid]! <= addr) lo = mid;
    else hi = mid - 1;
  }
  const start = t.addrs[lo]!;
  const size = t.sizes[lo]!;
  if (size > 0 ? addr >= start + size : lo + 1 >= t.addrs.length) return null;
  return { name: t.names[lo]!, offset: addr - start, size };
}

/** The GNU build id, lower-case hex, from .note.gnu.build-id or any note section or segment. */
export function buildId(read: ReadAt, elf: ElfFile): string | null {
  const places: Array<[number, number]> = [];
  for (const s of elf.sections) if (s.type === SHT_NOTE) places.push([s.offset, s.size]);
  if (places.length === 0) for (const p of elf.segments) if (p.type === PT_NOTE) places.push([p.offset, p.filesz]);
  for (const [offset, size] of places) {
    const id = noteBuildId(read(offset, Math.min(size, 4096)), elf.little);
    if (id) return id;
  }
  return null;
}

function noteBuildId(bytes: Uint8Array, little: boolean): string | null {
  const v = new View(bytes, little);
  const align4 = (n: number) => (n + 3) & ~3;
  for (let o = 0; o + 12 <= bytes.length; ) {
    const namesz = v.u32(o);
    const descsz = v.u32(o + 4);
    const type = v.u32(o + 8);
    const name = o + 12;
    const desc = name + align4(namesz);
    if (desc + descsz > bytes.length) return null;
    if (type === NT_GNU_BUILD_ID && namesz === 4 && cString(bytes, name) === 'GNU') return Buffer.from(bytes.subarray(desc, desc + descsz)).toString('hex');
    o = desc + align4(descsz);
  }
  return null;
}

/** .gnu_debuglink: the debug file's name and the CRC-32 of its contents. */
export function debugLink(read: ReadAt, elf: ElfFile): { file: string; crc: number } | null {
  const b = sectionBytes(read, section(elf, '.gnu_debuglink'));
  const file = cString(b, 0);
  if (!file) return null;
  const at = (Buffer.byteLength(file) + 1 + 3) & ~3;
  if (at + 4 > b.length) return null;
  return { file, crc: new View(b, elf.little).u32(at) };
}

/**
 * The link-time address of the byte at `fileOffset`, through the PT_LOAD segment holding it; null
 * when no segment maps that offset.
 */
export function fileOffsetToAddr(segments: readonly ElfSegment[], fileOffset: number): number | null {
  for (const p of segments.filter((x) => x.type === PT_LOAD)) if (fileOffset >= p.offset && fileOffset < p.offset + Math.max(p.filesz, 1)) return p.vaddr + (fileOffset - p.offset);
  return null;
}

/** CRC-32 (IEEE, as .gnu_debuglink uses) of bytes, continuing from `crc` (0 to start). */
export function crc32(bytes: Uint8Array, crc = 0): number {
  let c = ~crc >>> 0;
  for (let i = 0; i < bytes.length; i++) c = CRC_TABLE[(c ^ bytes[i]!) & 0xff]! ^ (c >>> 8);
  return ~c >>> 0;
}

const CRC_TABLE = (() => {
  const t = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    t[n] = c >>> 0;
  }
  return t;
})();
