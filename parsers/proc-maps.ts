/**
 * /proc/PID/maps, one mapping a line:
 *
 *   00400000-005f2000 r--p 00000000 fe:01 1311  /usr/bin/containerd-shim-runc-v2
 *   7f1c2a000000-7f1c2a021000 rw-p 00000000 00:00 0
 *   7ffd6b3f2000-7ffd6b3f4000 r-xp 00000000 00:00 0  [vdso]
 *
 * Pure; a line it cannot read is counted and skipped.
 */

export interface Mapping {
  start: number;
  end: number;
  /** "r-xp" ... */
  perms: string;
  /** File offset of start. */
  offset: number;
  /** The file, "[vdso]", "[heap]" ..., or "" for anonymous memory; " (deleted)" is kept. */
  path: string;
}

export function parseMaps(text: string): { mappings: Mapping[]; unread: number } {
  const mappings: Mapping[] = [];
  let unread = 0;
  for (const line of text.split('\n')) {
    if (!line.trim()) continue;
    const m = /^([0-9a-f]+)-([0-9a-f]+) (\S{4}) ([0-9a-f]+) \S+ \d+ *(.*)$/.exec(line);
    if (!m) {
      unread++;
      continue;
    }
    mappings.push({ start: parseInt(m[1]!, 16), end: parseInt(m[2]!, 16), perms: m[3]!, offset: parseInt(m[4]!, 16), path: m[5]! });
  }
  return { mappings, unread };
}

/** Only the executable mappings (what a user stack's return addresses can point into). */
export function executable(mappings: readonly Mapping[]): Mapping[] {
  return mappings.filter((m) => m.perms[2] === 'x');
}

/** The mapping holding addr, by binary search over mappings sorted by start (as the kernel prints them). */
export function mappingAt(mappings: readonly Mapping[], addr: number): Mapping | null {
  let lo = 0;
  let hi = mappings.length - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    const m = mappings[mid]!;
    if (addr < m.start) hi = mid - 1;
    else if (addr >= m.end) lo = mid + 1;
    else return m;
  }
  return null;
}
