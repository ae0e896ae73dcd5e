/**
 * What ctrscope records of each traced process while it runs, so that the stacks bpftrace prints
 * after it exited can still be named: its executable (path and build id, read through
 * /proc/PID/exe, so a binary replaced on disk since is noticed) and its executable mappings
 * (/proc/PID/maps: the load address of PIE executables and shared libraries). cpu-profile.bt and
 * off-cpu.bt print "seen PID" at a process's first sample; the one-shot run calls record() then.
 * The names themselves come from parsers/symbolize.ts over the binaries src/host/elf.ts loads.
 */
import { executable, parseMaps, type Mapping } from '../../parsers/proc-maps.js';
import { StackSymbolizer, type ProcessImage } from '../../parsers/symbolize.js';
import type { FrameSymbolizer } from '../../parsers/bpftrace-stacks.js';
import { comm, exePath, PROC, readProc } from '../targets/procfs.js';
import { fileBuildId, loadBinarySymbols } from './elf.js';

export class ProcessImages {
  readonly images = new Map<number, ProcessImage>();
  /** Pids announced but gone before anything could be read. */
  readonly missed = new Set<number>();

  /**
   * Reads pid's executable and maps now; false when the process was already gone. Read again
   * (at exec, then at its first stack), the mappings add up: the loader's from the first read,
   * the libraries mapped since from the next.
   */
  record(pid: number): boolean {
    const known = this.images.get(pid);
    const mapsText = readProc(pid, 'maps');
    if (known) {
      if (mapsText !== null) known.maps = union(known.maps ?? [], executable(parseMaps(mapsText).mappings));
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
      buildId: exe === null ? null : fileBuildId(`${PROC}/${pid}/exe`),
      maps: mapsText === null ? null : executable(parseMaps(mapsText).mappings),
    });
    return true;
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
