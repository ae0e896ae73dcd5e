/** Reads an executable's ELF type: ET_EXEC (2) loads at fixed addresses, ET_DYN (3, PIE) where ASLR puts it. */
import { closeSync, openSync, readSync } from 'node:fs';

export function elfType(path: string): number | null {
  let fd: number | undefined;
  try {
    fd = openSync(path, 'r');
    const b = Buffer.alloc(18);
    if (readSync(fd, b, 0, 18, 0) < 18) return null;
    if (b.readUInt32BE(0) !== 0x7f454c46) return null;
    // EI_DATA (byte 5): 1 little endian, 2 big endian.
    return b[5] === 2 ? b.readUInt16BE(16) : b.readUInt16LE(16);
  } catch {
    return null;
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}

/** True when every path is a fixed-address (non-PIE) executable. */
export function allFixedAddress(paths: string[]): boolean {
  return paths.length > 0 && paths.every((p) => elfType(p) === 2);
}
