/**
 * ELF files on this host: an executable's type (ET_EXEC loads at fixed addresses, ET_DYN where
 * ASLR puts it), and the symbols of a binary for the stack symbolizer, loaded once per build id
 * (every shim runs the same binary). The decoding is parsers/elf.ts and parsers/gopclntab.ts;
 * this file only opens and reads files.
 */
import { closeSync, fstatSync, openSync, readSync } from 'node:fs';
import { buildId, crc32, debugLink, functionSymbols, readElf, section, sectionBytes, type ElfFile, type ReadAt } from '../../parsers/elf.js';
import { readPclntab } from '../../parsers/gopclntab.js';
import type { BinarySymbols } from '../../parsers/symbolize.js';

export function elfType(path: string): number | null {
  return withFile(path, (read) => readElf(read)?.type ?? null) ?? null;
}

/** True when every path is a fixed-address (non-PIE) executable. */
export function allFixedAddress(paths: string[]): boolean {
  return paths.length > 0 && paths.every((p) => elfType(p) === 2);
}

/** Runs fn with a reader of the file; undefined when it cannot be opened. */
function withFile<T>(path: string, fn: (read: ReadAt, size: number) => T): T | undefined {
  let fd: number | undefined;
  try {
    fd = openSync(path, 'r');
    const size = fstatSync(fd).size;
    const f = fd;
    const read: ReadAt = (offset, length) => {
      const len = Math.max(0, Math.min(length, size - offset));
      const b = Buffer.allocUnsafe(len);
      let got = 0;
      while (got < len) {
        const n = readSync(f, b, got, len - got, offset + got);
        if (n <= 0) break;
        got += n;
      }
      return got === len ? b : b.subarray(0, got);
    };
    return fn(read, size);
  } catch {
    return undefined;
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}

/** Where debug files live (Debian's -dbgsym packages install under /usr/lib/debug). */
export const DEBUG_DIR = process.env.CTRSCOPE_DEBUG_DIR ?? '/usr/lib/debug';

/** The build id of a file, without loading its symbols (null: none, or not ELF). */
export function fileBuildId(path: string): string | null {
  return (
    withFile(path, (read) => {
      const elf = readElf(read);
      return elf ? buildId(read, elf) : null;
    }) ?? null
  );
}

/** Binaries loaded so far, by build id (or by path when a binary has none). */
const cache = new Map<string, BinarySymbols | null>();

/**
 * The symbols of the binary at path: .symtab, .dynsym and .gopclntab from the file itself, and
 * .symtab from its debug file when one is installed (/usr/lib/debug/.build-id/xx/rest.debug, or
 * the .gnu_debuglink name beside the file, in .debug/ or under /usr/lib/debug with the same
 * directory, its CRC checked). expectBuildId: what the process ran; a file on disk with another
 * id (the package was upgraded since) is refused. null when the file cannot be read as ELF.
 */
export function loadBinarySymbols(path: string, expectBuildId?: string | null): BinarySymbols | null {
  const key = expectBuildId || `path:${path}`;
  const known = cache.get(key);
  if (known) return known;
  // A miss is remembered for this path only: the same build id may be readable at another one
  // (runc init runs from a sealed memfd copy of /usr/sbin/runc).
  const missKey = `miss:${path}:${expectBuildId ?? ''}`;
  if (cache.has(missKey)) return null;
  const loaded = withFile(path, (read) => load(path, read)) ?? null;
  const ok = loaded && (!expectBuildId || loaded.buildId === expectBuildId) ? loaded : null;
  if (!ok) {
    cache.set(missKey, null);
    return null;
  }
  cache.set(key, ok);
  if (ok.buildId && ok.buildId !== key) cache.set(ok.buildId, ok);
  return ok;
}

function load(path: string, read: ReadAt): BinarySymbols | null {
  const elf = readElf(read);
  if (!elf) return null;
  const id = buildId(read, elf);
  const symtab = functionSymbols(read, elf, '.symtab');
  const dynsym = functionSymbols(read, elf, '.dynsym');
  const pcln = section(elf, '.gopclntab');
  let gopclntab = null;
  if (pcln) {
    const text = section(elf, '.text');
    const runtimeText = lookupName(symtab, 'runtime.text') ?? lookupName(dynsym, 'runtime.text') ?? text?.addr ?? 0;
    // Names only: stacks are named by function (symbolIn), never by file and line.
    gopclntab = readPclntab(sectionBytes(read, pcln), runtimeText, { namesOnly: true });
  }
  const debug = debugFile(path, read, elf, id);
  return {
    path,
    buildId: id,
    type: elf.type,
    segments: elf.segments,
    symtab: symtab.names.length ? symtab : debug?.symtab ?? symtab,
    dynsym,
    gopclntab,
    debugFile: debug?.path ?? null,
  };
}

function lookupName(t: { names: string[]; addrs: Float64Array }, name: string): number | undefined {
  const i = t.names.indexOf(name);
  return i === -1 ? undefined : t.addrs[i];
}

/** The separate debug file of a binary, when installed: its path and .symtab. */
function debugFile(path: string, read: ReadAt, elf: ElfFile, id: string | null): { path: string; symtab: ReturnType<typeof functionSymbols> } | null {
  const candidates: Array<{ path: string; crc?: number }> = [];
  if (id && id.length > 2) candidates.push({ path: `${DEBUG_DIR}/.build-id/${id.slice(0, 2)}/${id.slice(2)}.debug` });
  const link = debugLink(read, elf);
  if (link) {
    const dir = path.slice(0, path.lastIndexOf('/'));
    for (const p of [`${dir}/${link.file}`, `${dir}/.debug/${link.file}`, `${DEBUG_DIR}${dir}/${link.file}`]) candidates.push({ path: p, crc: link.crc });
  }
  for (const c of candidates) {
    if (c.path === path) continue;
    const got = withFile(c.path, (r, size) => {
      const e = readElf(r);
      if (!e) return null;
      if (c.crc !== undefined && fileCrc(r, size) !== c.crc) return null;
      if (c.crc === undefined && id && buildId(r, e) !== id) return null;
      const symtab = functionSymbols(r, e, '.symtab');
      return symtab.names.length ? { path: c.path, symtab } : null;
    });
    if (got) return got;
  }
  return null;
}

function fileCrc(read: ReadAt, size: number): number {
  let crc = 0;
  for (let off = 0; off < size; off += 1 << 20) crc = crc32(read(off, 1 << 20), crc);
  return crc;
}

/** Forgets loaded binaries (tests). */
export function clearSymbolCache(): void {
  cache.clear();
}
