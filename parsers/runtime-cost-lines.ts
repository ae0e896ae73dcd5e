/**
 * What live-kernel.bt prints for the runtime's cost: the @rt map ([owner, part] -> ns, see the
 * program's header) and the @sx map: a runc v2 shim was executed, with its arguments in 128-byte
 * buffers (bpftrace's %r escaping: NUL-separated, non-printable bytes as \xNN), one an entry:
 *
 *   {"@sx_1": {"21963,19404,147,0": "/usr/bin/containerd-shim-runc-v2\\x00-namespace\\x00ctrscope\\x00...",
 *              "21963,19404,147,128": "d\\x00-id\\x00sxtest\\x00start\\x00IS_SANDBOX=yes\\x00..."}}
 *
 * shimExecParts() reads them as the parts of the `shim-exec` lines recordings made before it
 * printed (as they happened). Those printed the first two buffers in one line and a third, past 256 bytes, in a
 * second (real, cut):
 *
 *   shim-exec 28692 3065 162 0 /usr/bin/containerd-shim-runc-v2\x00-namespace\x00ctrscope\x00-address\x00...\x00-id\x00ctrscope-load-28684-1\x00start\x00IS_SANDBOX=yes\x00...
 *
 * Recordings made before printed one buffer a line:
 *
 *   shim-exec 28974 30158 148 0 /usr/bin/containerd-shim-runc-v2\x00-namespace\x00ctrscope\x00-address\x00...
 *   shim-exec 28974 30158 148 128 d\x00-id\x00rcexp-2\x00start\x00IS_SANDBOX=yes\x00...
 *
 * (PID PPID LEN OFF BYTES: LEN bytes of arguments, this part from OFF; the last part runs on into
 * the environment, cut here at LEN.) Both read the same way: a part carries whatever bytes it has.
 * Pure: lines in, whole command lines out; a line it cannot read is counted, never thrown. Parts
 * of one exec arrive in order (one probe, one CPU).
 */

export interface ShimExec {
  pid: number;
  ppid: number;
  argv: string[];
}

/** Bytes of arguments one buffer carries (the program's buf() size); a line holds one or two. */
export const PART_BYTES = 128;
/** Parts the program prints at most (arguments past this are not printed). */
export const MAX_PARTS = 3;
/** Execs whose parts are not all in yet, kept at most (the oldest is dropped, counted unread). */
const PENDING_MAX = 64;

/** bpftrace's %r text back to bytes (as latin1 characters). */
export function unescapeBuf(text: string): string {
  return text.replace(/\\x([0-9a-fA-F]{2})/g, (_, h: string) => String.fromCharCode(parseInt(h, 16)));
}

const LINE = /^shim-exec (\d+) (\d+) (\d+) (\d+) (.*?)\n?$/s;

export class ShimExecReader {
  private readonly pending = new Map<number, { ppid: number; len: number; text: string }>();
  unrecognized = 0;

  /** One printf text. Returns the exec once its last part is in; null while parts are missing or the line is not one. */
  line(text: string): ShimExec | null {
    const m = LINE.exec(text);
    if (!m) {
      this.unrecognized++;
      return null;
    }
    return this.part({ pid: Number(m[1]), ppid: Number(m[2]), len: Number(m[3]), off: Number(m[4]), text: m[5]! });
  }

  /** One part (of a line, or of an @sx entry). Returns the exec once its last part is in. */
  part(sp: ShimPart): ShimExec | null {
    const { pid, ppid, len, off } = sp;
    const bytes = unescapeBuf(sp.text);
    let p = this.pending.get(pid);
    if (off === 0) {
      if (p) this.unrecognized++;
      p = { ppid, len, text: '' };
    } else if (!p || p.text.length !== off || p.len !== len) {
      // A part without the ones before it.
      if (p) this.pending.delete(pid);
      this.unrecognized++;
      return null;
    }
    // A part of one or more buffers: what it holds, up to the arguments printed at most.
    const part = bytes.slice(0, Math.max(0, MAX_PARTS * PART_BYTES - off));
    p.text += part;
    const end = off + part.length;
    if (end < len && end < MAX_PARTS * PART_BYTES) {
      this.pending.delete(pid);
      this.pending.set(pid, p);
      if (this.pending.size > PENDING_MAX) {
        this.pending.delete(this.pending.keys().next().value!);
        this.unrecognized++;
      }
      return null;
    }
    this.pending.delete(pid);
    const args = p.text.slice(0, len).split('\u0000');
    // LEN counts the last argument's NUL: the split leaves an empty string after it.
    if (p.text.length >= len && args[args.length - 1] === '') args.pop();
    return { pid, ppid: p.ppid, argv: args };
  }
}

/** One part of a shim's arguments: bytes OFF.. of its LEN bytes, as bpftrace escapes a buf(). */
export interface ShimPart {
  pid: number;
  ppid: number;
  len: number;
  off: number;
  text: string;
}

/**
 * A print's @sx map ({"PID,PPID,LEN,OFF": "BYTES"}: the program keeps each shim's arguments for
 * its next print, one 128-byte part an entry) as parts for ShimExecReader.part, each exec's parts
 * in order. Entries whose key or value is not one are counted, not returned.
 */
export function shimExecParts(map: unknown): { parts: ShimPart[]; unrecognized: number } {
  if (map === undefined) return { parts: [], unrecognized: 0 };
  if (typeof map !== 'object' || map === null || Array.isArray(map)) return { parts: [], unrecognized: 1 };
  const parts: ShimPart[] = [];
  let unrecognized = 0;
  for (const [key, v] of Object.entries(map)) {
    const m = /^(\d+),(\d+),(\d+),(\d+)$/.exec(key);
    if (!m || typeof v !== 'string') {
      unrecognized++;
      continue;
    }
    parts.push({ pid: Number(m[1]), ppid: Number(m[2]), len: Number(m[3]), off: Number(m[4]), text: v });
  }
  parts.sort((a, b) => a.pid - b.pid || a.off - b.off);
  return { parts, unrecognized };
}

/** One @rt entry: the CPU (ns) of part 0 (a shim's own threads), 1 (runc) or 2 (runc init's exec) charged to shim pid `owner`. */
export interface RuntimeExitRow {
  owner: number;
  part: number;
  ns: number;
}

/** A print's @rt map ({"OWNER,PART": ns}) as rows, and how many entries could not be read. */
export function runtimeExitRows(map: unknown): { rows: RuntimeExitRow[]; unrecognized: number } {
  const rows: RuntimeExitRow[] = [];
  let unrecognized = 0;
  if (map === undefined) return { rows, unrecognized };
  if (typeof map !== 'object' || map === null || Array.isArray(map)) return { rows, unrecognized: 1 };
  for (const [key, v] of Object.entries(map)) {
    const m = /^(\d+),([012])$/.exec(key);
    if (!m || typeof v !== 'number' || !Number.isFinite(v) || v < 0) {
      unrecognized++;
      continue;
    }
    rows.push({ owner: Number(m[1]), part: Number(m[2]), ns: v });
  }
  return { rows, unrecognized };
}
