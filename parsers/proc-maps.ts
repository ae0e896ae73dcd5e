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

const LINE = /^([0-9a-f]+)-([0-9a-f]+) (\S{4}) ([0-9a-f]+) \S+ \d+ *(.*)$/;

export function parseMaps(text: string): { mappings: Mapping[]; unread: number } {
  const mappings: Mapping[] = [];
  let unread = 0;
  for (const line of text.split('\n')) {
    if (!line.trim()) continue;
    const m = LINE.exec(line);
    if (!m) {
      unread++;
      continue;
    }
    mappings.push({ start: parseInt(m[1]!, 16), end: parseInt(m[2]!, 16), perms: m[3]!, offset: parseInt(m[4]!, 16), path: m[5]! });
  }
  return { mappings, unread };
}

/**
 * The executable mappings of a maps text, as executable(parseMaps(text).mappings) gives them,
 * reading only those lines whole: the perms field is looked at first, so the many r--p, rw-p and
 * ---p lines of a Go process (three in four) are skipped without the line's regex. The live view
 * reads a process's maps at its first stack, several a second under a start loop.
 */
export function parseExecutableMaps(text: string): { mappings: Mapping[]; unread: number } {
  const mappings: Mapping[] = [];
  let unread = 0;
  let from = 0;
  while (from < text.length) {
    let to = text.indexOf('\n', from);
    if (to === -1) to = text.length;
    // "start-end perms ...": perms sit after the first space; their third character is x or -.
    const sp = text.indexOf(' ', from);
    if (sp !== -1 && sp < to - 3 && text.charCodeAt(sp + 3) === 0x2d /* - */) {
      from = to + 1;
      continue;
    }
    const line = text.slice(from, to);
    from = to + 1;
    if (!line.trim()) continue;
    const m = LINE.exec(line);
    if (!m) {
      unread++;
      continue;
    }
    if (m[3]![2] !== 'x') continue;
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
