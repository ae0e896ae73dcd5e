/**
 * Go's function table (.gopclntab): program counter → function name, file and line, for Go
 * binaries stripped of .symtab (and often of most of .dynsym: Debian's runc keeps 177 dynamic
 * symbols for 10,000 functions). Pure: it reads the section's bytes it is given.
 *
 * Why written here: no npm package reads pclntab. Written from the layout the Go runtime and
 * debug/gosym document (runtime/symtab.go's moduledata and _func; the header of each version):
 *
 *   magic u32 (1.2 0xfffffffb, 1.16 0xfffffffa, 1.18 0xfffffff0, 1.20 0xfffffff1), 0, 0,
 *   pc quantum u8, pointer size u8, then pointer-sized words:
 *     1.18/1.20: nfunc, nfiles, textStart, funcname, cu, filetab, pctab, functab (offsets into
 *                the section); functab entries are (entry offset from textStart u32, func u32)
 *     1.16:      nfunc, nfiles, funcname, cu, filetab, pctab, functab; entries are pointer-sized
 *                (entry pc, func offset)
 *     1.2:       nfunc, then the functab itself (pointer-sized pairs); names and tables are
 *                offsets from the section start
 *   _func (at functab + func offset): entry (u32 from 1.18, else a pointer), then u32 fields:
 *     nameOff, args, deferreturn, pcsp, pcfile, pcln, npcdata, cuOffset, ...
 *   pc-value tables: (zig-zag varint value delta, varint pc delta × quantum) pairs from entry.
 *
 * The name is the function that holds the pc, as `go tool addr2line` names it (inlined callees
 * are not expanded); file and line are the innermost, as addr2line prints them.
 */

export type PclnVersion = '1.2' | '1.16' | '1.18' | '1.20';

export interface Pclntab {
  version: PclnVersion;
  /** How many functions the table holds. */
  functions: number;
  /** The base of 1.18+ entry offsets (runtime.text): the header's, or the hint when the header has 0; 0 before 1.18. */
  textStart: number;
  /** The entry of the first function and the end of the last (pcs outside resolve to nothing). */
  minPc: number;
  maxPc: number;
  /** The function holding pc: its name, entry, and the file and line of pc (null outside every function). */
  lookup(pc: number): { name: string; entry: number; file: string | null; line: number | null } | null;
}

const MAGIC: Record<number, PclnVersion> = { 0xfffffffb: '1.2', 0xfffffffa: '1.16', 0xfffffff0: '1.18', 0xfffffff1: '1.20' };

/** The pclntab version of a section's first bytes, or null when they are not one. */
export function pclnVersion(data: Uint8Array): PclnVersion | null {
  if (data.length < 16 || data[4] !== 0 || data[5] !== 0) return null;
  if (![1, 2, 4].includes(data[6]!) || ![4, 8].includes(data[7]!)) return null;
  const dv = new DataView(data.buffer, data.byteOffset, data.byteLength);
  return MAGIC[dv.getUint32(0, true)] ?? MAGIC[dv.getUint32(0, false)] ?? null;
}

/**
 * Reads a pclntab. textStart: where the binary's Go text starts (runtime.text), used when the
 * 1.18+ header holds 0 (a PIE whose header is filled by a relocation at load); pass 0 when unknown.
 * null when the bytes are not a pclntab this reader knows.
 */
export function readPclntab(data: Uint8Array, textStart = 0, o: { namesOnly?: boolean } = {}): Pclntab | null {
  try {
    return parse(data, textStart, !!o.namesOnly);
  } catch {
    return null;
  }
}

/**
 * namesOnly (what symbolizing stacks needs): the table keeps copies of the function entries, the
 * name offsets and the name table, not the section (containerd's 12.4 MB section becomes 4 MB:
 * its 3.6 MB of names and 8 bytes a function); lookup() then gives no file or line. The 1.2
 * layout, whose names may lie anywhere in the section, keeps the section.
 */
function parse(data: Uint8Array, textStartHint: number, namesOnly: boolean): Pclntab | null {
  const version = pclnVersion(data);
  if (!version) return null;
  const dv = new DataView(data.buffer, data.byteOffset, data.byteLength);
  const little = dv.getUint32(0, true) >= 0xfffffff0;
  const quantum = data[6]!;
  const ptr = data[7]!;
  const u32 = (o: number) => dv.getUint32(o, little);
  const uptr = (o: number) => (ptr === 8 ? Number(dv.getBigUint64(o, little)) : dv.getUint32(o, little));
  const word = (i: number) => uptr(8 + i * ptr);

  const nfunc = word(0);
  let textStart = 0;
  let funcname = 0;
  let cutab = 0;
  let filetab = 0;
  let pctab = 0;
  let functab: number;
  let field = ptr; // functab field size
  let entryField = ptr; // size of _func's first field
  if (version === '1.18' || version === '1.20') {
    textStart = word(2) || textStartHint;
    [funcname, cutab, filetab, pctab, functab] = [word(3), word(4), word(5), word(6), word(7)];
    field = 4;
    entryField = 4;
  } else if (version === '1.16') {
    [funcname, cutab, filetab, pctab, functab] = [word(2), word(3), word(4), word(5), word(6)];
  } else {
    functab = 8 + ptr;
  }
  const ftEnd = functab + (2 * nfunc + 1) * field;
  if (nfunc === 0 || ftEnd > data.length) return null;
  const ft = (o: number) => (field === 4 ? u32(o) : uptr(o));
  const pcAt = (i: number) => ft(functab + 2 * i * field) + (field === 4 ? textStart : 0);
  const funcAt = (i: number) => functab + ft(functab + (2 * i + 1) * field);
  // 1.2 keeps everything relative to the section start; 1.2's file table is a list of offsets.
  const nameBase = version === '1.2' ? 0 : funcname;
  const pcBase = version === '1.2' ? 0 : pctab;
  const fieldAt = (fn: number, n: number) => u32(fn + entryField + (n - 1) * 4);

  const str = (off: number): string => cString(data, off);

  /** The value a pc-value table gives pc (walks from the function's entry); -1 when none. */
  const pcvalue = (off: number, entry: number, target: number): number => {
    if (off === 0) return -1;
    let p = pcBase + off;
    let pc = entry;
    let val = -1;
    for (let first = true; p < data.length; first = false) {
      let [uv, n] = varint(data, p);
      p = n;
      if (uv === 0 && !first) return -1;
      const delta = uv & 1 ? ~(uv >>> 1) : uv >>> 1;
      [uv, n] = varint(data, p);
      p = n;
      pc += uv * quantum;
      val += delta;
      if (target < pc) return val;
    }
    return -1;
  };

  const fileName = (fn: number, fno: number): string | null => {
    if (fno < 0) return null;
    if (version === '1.2') {
      const ftab = u32(functab + (2 * nfunc + 1) * field);
      return fno < u32(ftab) ? str(u32(ftab + 4 * fno)) : null;
    }
    const cu = fieldAt(fn, 8);
    const off = u32(cutab + (cu + fno) * 4);
    return off === 0xffffffff ? null : str(filetab + off);
  };

  const minPc = pcAt(0);
  const maxPc = pcAt(nfunc);
  if (namesOnly && version !== '1.2' && cutab > funcname && cutab <= data.length) {
    const entries = new Float64Array(nfunc + 1);
    const nameOffs = new Uint32Array(nfunc);
    for (let i = 0; i <= nfunc; i++) entries[i] = pcAt(i);
    for (let i = 0; i < nfunc; i++) nameOffs[i] = fieldAt(funcAt(i), 1);
    // A copy (Buffer.slice would be a view, keeping the whole section alive).
    return namesTable(version, textStart, entries, nameOffs, new Uint8Array(data.subarray(funcname, cutab)));
  }
  return {
    version,
    functions: nfunc,
    textStart,
    minPc,
    maxPc,
    lookup(pc) {
      if (!(pc >= minPc && pc < maxPc)) return null;
      const lo = lastAtOrBelow(pcAt, nfunc, pc);
      try {
        const fn = funcAt(lo);
        const entry = entryField === 4 ? u32(fn) + textStart : uptr(fn);
        const name = str(nameBase + fieldAt(fn, 1));
        if (!name) return null;
        const line = pcvalue(fieldAt(fn, 6), entry, pc);
        const file = fileName(fn, pcvalue(fieldAt(fn, 5), entry, pc));
        return { name, entry, file, line: line >= 0 ? line : null };
      } catch {
        return null;
      }
    },
  };
}

/** A table of names only: entries (nfunc + 1, the last the end), each function's name offset, the names. */
function namesTable(version: PclnVersion, textStart: number, entries: Float64Array, nameOffs: Uint32Array, names: Uint8Array): Pclntab {
  const nfunc = nameOffs.length;
  const minPc = entries[0]!;
  const maxPc = entries[nfunc]!;
  return {
    version,
    functions: nfunc,
    textStart,
    minPc,
    maxPc,
    lookup(pc) {
      if (!(pc >= minPc && pc < maxPc)) return null;
      const lo = lastAtOrBelow((i) => entries[i]!, nfunc, pc);
      const name = cString(names, nameOffs[lo]!);
      return name ? { name, entry: entries[lo]!, file: null, line: null } : null;
    },
  };
}

/** The NUL-terminated UTF-8 string at off ('' outside the bytes). */
function cString(data: Uint8Array, off: number): string {
  if (off < 0 || off >= data.length) return '';
  let end = data.indexOf(0, off);
  if (end === -1) end = data.length;
  return Buffer.from(data.buffer, data.byteOffset + off, end - off).toString('utf8');
}

/** The last i in [0, n) whose entry is <= pc (entries ascending, entry(0) <= pc). */
function lastAtOrBelow(entry: (i: number) => number, n: number, pc: number): number {
  let lo = 0;
  let hi = n - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (entry(mid) <= pc) lo = mid;
    else hi = mid - 1;
  }
  return lo;
}

/** An unsigned LEB128 varint at p: [value, next position]. */
function varint(data: Uint8Array, p: number): [number, number] {
  let v = 0;
  let shift = 0;
  for (;;) {
    if (p >= data.length) throw new RangeError('varint past the end');
    const b = data[p++]!;
    v += (b & 0x7f) * 2 ** shift;
    if ((b & 0x80) === 0) return [v >>> 0, p];
    shift += 7;
    if (shift > 35) throw new RangeError('varint too long');
  }
}
