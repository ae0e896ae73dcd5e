/**
 * What ctrscope records of each traced process while it runs, so that the stacks bpftrace prints
 * after it exited can still be named: its executable (path and build id, read through
 * /proc/PID/exe, so a binary replaced on disk since is noticed) and its executable mappings
 * (/proc/PID/maps: the load address of PIE executables and shared libraries). cpu-profile.bt and
 * off-cpu.bt print "seen PID" at a process's first sample (live-stacks.bt: an @announce map each
 * second), and "exec PID FILE" when a target executes a program (live-stacks.bt: an @execs map
 * before each stacks print):
 * line() reads the process then, and keeps the file the kernel named for a process gone before it
 * could be read (enough for a fixed-address executable).
 * The names themselves come from parsers/symbolize.ts over the binaries src/host/elf.ts loads.
 */
import { statSync } from 'node:fs';
import { parseExecutableMaps, type Mapping } from '../../parsers/proc-maps.js';
import { StackSymbolizer, type ProcessImage } from '../../parsers/symbolize.js';
import { execLine, seenPid, type FrameSymbolizer } from '../../parsers/bpftrace-stacks.js';
import { comm, exePath, PROC, readProc } from '../targets/procfs.js';
import { fileBuildId, loadBinarySymbols } from './elf.js';

export interface ProcessImagesOptions {
  /**
   * The live view's way, for its cost: an exec line only notes the file the kernel named (no
   * /proc read), and a process announced again (every 10 s) is read again only after REREAD_PRINTS
   * prints. A process gone before its first stack is then named from that file (enough for the
   * fixed-address Go binaries of containerd, the shims and runc); its loader's and libraries'
   * frames end its stack, as for any process whose maps were never read.
   */
  light?: boolean;
}

/** With `light`, a process announced again is read again after this many prints (10 s each). */
const REREAD_PRINTS = 6;

export class ProcessImages {
  constructor(private readonly o: ProcessImagesOptions = {}) {}

  readonly images = new Map<number, ProcessImage>();
  /** pid → the print when it was last read (light mode). */
  private readonly readAt = new Map<number, number>();
  /** Pids announced but gone before anything could be read. */
  readonly missed = new Set<number>();
  /** pid → the print (printed() calls so far) when it was last announced; for long sessions. */
  private readonly touched = new Map<number, number>();
  private prints = 0;

  /**
   * A stacks print was folded (live-stacks.bt prints every 10 s and announces its processes again
   * in each 10 s): processes not announced in this print's window or the one before are forgotten.
   */
  printed(): void {
    this.prints++;
    for (const [pid, at] of this.touched) {
      if (at >= this.prints - 1) continue;
      this.touched.delete(pid);
      this.images.delete(pid);
      this.missed.delete(pid);
      this.readAt.delete(pid);
    }
  }

  /**
   * Reads pid's executable and maps now; false when the process was already gone. Read again
   * (at exec, then at its first stack), the mappings add up: the loader's from the first read,
   * the libraries mapped since from the next.
   */
  record(pid: number): boolean {
    this.touched.set(pid, this.prints);
    let known = this.images.get(pid);
    if (this.o.light && known?.maps && (this.readAt.get(pid) ?? -Infinity) > this.prints - REREAD_PRINTS) return true;
    this.readAt.set(pid, this.prints);
    // Another executable under a known pid: the number was reused (long live sessions).
    const now = known ? exePath(pid)?.replace(/ \(deleted\)$/, '') : undefined;
    if (known && now && now !== known.exe) {
      this.images.delete(pid);
      known = undefined;
    }
    const mapsText = readProc(pid, 'maps');
    if (known) {
      if (mapsText !== null) known.maps = union(known.maps ?? [], parseExecutableMaps(mapsText).mappings);
      return true;
    }
    const exe = exePath(pid);
    if (mapsText === null && exe === null) {
      this.missed.add(pid);
      return false;
    }
    const before = comm(pid);
    this.images.set(pid, {
      pid,
      // A comm that changed while reading means the process executed another program meanwhile.
      comm: before !== null && before === comm(pid) ? before : null,
      exe: exe === null ? null : exe.replace(/ \(deleted\)$/, ''),
      buildId: exe === null ? null : buildIdOf(`${PROC}/${pid}/exe`),
      maps: mapsText === null ? null : parseExecutableMaps(mapsText).mappings,
    });
    return true;
  }

  /**
   * pid executed file (the kernel's word, from an "exec" line): a new program, so what was read
   * of the pid before no longer holds. Read now; when the process is already gone, the file the
   * kernel named stands in for /proc/PID/exe (when it is an absolute path outside /proc), with
   * the build id the file has now (the loader refuses it later if the file changes meanwhile)
   * and the comm the kernel gives a program (its base name, cut at 15 bytes).
   */
  exec(pid: number, file: string): void {
    this.touched.set(pid, this.prints);
    this.images.delete(pid);
    this.missed.delete(pid);
    this.readAt.delete(pid);
    if (this.o.light && file.startsWith('/') && !file.startsWith(`${PROC}/`)) {
      this.images.set(pid, { pid, comm: commOf(file), exe: file, buildId: buildIdOf(file), maps: null });
      return;
    }
    if (this.record(pid) || !file.startsWith('/') || file.startsWith(`${PROC}/`)) return;
    this.missed.delete(pid);
    this.images.set(pid, { pid, comm: commOf(file), exe: file, buildId: buildIdOf(file), maps: null });
  }

  /**
   * A stacks print's @execs (live-stacks.bt: [pid] → the file it executed in the last 10 s,
   * printed before its @stacks): a process that was not read while it ran is named from its file,
   * as an "exec" line would have. One read while it ran is kept: targets exec only as new
   * processes (a shim started by containerd or by a shim), so that read is of the same program.
   */
  execsPrinted(value: unknown): void {
    if (value === null || typeof value !== 'object') return;
    for (const [key, file] of Object.entries(value)) {
      const pid = Number(key);
      if (!Number.isInteger(pid) || pid <= 0 || typeof file !== 'string') continue;
      if (this.images.get(pid)?.maps) {
        this.touched.set(pid, this.prints);
        continue;
      }
      this.exec(pid, file);
    }
  }

  /**
   * A print of live-stacks.bt's @announce ([pid] → 1: processes sampled for the first time in
   * this 10 s, since the last second's print): each is read now, as a "seen" line's would be.
   */
  announced(value: unknown): void {
    if (value === null || typeof value !== 'object') return;
    for (const key of Object.keys(value)) {
      const pid = Number(key);
      if (Number.isInteger(pid) && pid > 0) this.record(pid);
    }
  }

  /** Handles one line of a stack probe: "seen PID" and "exec PID FILE" (other lines: nothing). */
  line(l: string): void {
    const pid = seenPid(l);
    if (pid !== null) {
      this.record(pid);
      return;
    }
    const e = execLine(l);
    if (e) this.exec(e.pid, e.file);
  }

  /** A symbolizer over what was recorded (binaries load on first use, once per build id). */
  symbolizer(): FrameSymbolizer {
    const s = new StackSymbolizer(this.images, (path, id) => loadBinarySymbols(path, id));
    return (pid, c, address) => s.resolve(pid, c, address);
  }
}

/** Mappings of two reads, sorted by start; a range seen in both is kept once (the later read's). */
function union(a: Mapping[], b: Mapping[]): Mapping[] {
  const overlaps = (x: Mapping, y: Mapping) => x.start < y.end && y.start < x.end;
  return [...a.filter((x) => !b.some((y) => overlaps(x, y))), ...b].sort((x, y) => x.start - y.start);
}

/** The comm the kernel gives a program executed from path: its base name, at most 15 bytes. */
function commOf(path: string): string {
  return Buffer.from(path.slice(path.lastIndexOf('/') + 1)).subarray(0, 15).toString('utf8');
}

/**
 * Build ids by file identity (device, inode, size, mtime; stat follows /proc/PID/exe to the file):
 * the processes of one binary (every shim) read its notes once, a replaced file is read again.
 */
const ids = new Map<string, string | null>();
function buildIdOf(path: string): string | null {
  let stamp: string;
  try {
    const st = statSync(path);
    stamp = `${st.dev}:${st.ino}:${st.size}:${st.mtimeMs}`;
  } catch {
    return null;
  }
  if (ids.has(stamp)) return ids.get(stamp)!;
  const id = fileBuildId(path);
  if (ids.size > 1000) ids.clear();
  ids.set(stamp, id);
  return id;
}
