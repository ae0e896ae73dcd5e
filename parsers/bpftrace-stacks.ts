/**
 * Stack-keyed bpftrace maps → folded stacks (the "a;b;c 12" lines flame graphs read).
 *
 * `profile:hz:99 { @[kstack, ustack, comm] = count(); }` prints with `-f json` one key per distinct
 * (kstack, ustack, comm), the parts joined by "," and each stack a multi-line string, leaf first:
 *
 *   "\n    find_inode_bit+73\n    __ext4_new_inode+1021\n ... entry_SYSCALL_64_after_hwframe+118\n,
 *    \n    runtime/internal/syscall.Syscall6+14\n    syscall.Syscall+72\n ... runtime.goexit.abi0+1\n,containerd": 1
 *   ",\n    runtime.checkTimers+395\n ... runtime.goexit.abi0+6\n,containerd": 1        (empty kstack)
 *
 * kstack(perf) / ustack(perf) frames carry an address and a module:
 *   "\n\tffffffff817cd01e ext4_mb_prefetch+126\n ...,\n\tc6200e syscall.Syscall+72 (/usr/bin/containerd)\n ..."
 *   "\t7f9dd69ede58 0x7f9dd69ede58 ([unknown])"                                          (unresolved)
 *
 * Folded line: the text parts (comm, pid ...) in key order, then user frames root→leaf, then kernel
 * frames root→leaf, so the flame graph's root is the process and its tips are where the CPU was.
 * Like FlameGraph's stackcollapse-bpftrace.pl, frames are reversed (bpftrace prints leaf first) and
 * their indentation dropped; unlike it, "+offset" is stripped by default (stackcollapse-perf.pl
 * does that too) so samples in one function merge, ";" inside a name becomes ":" (";" separates
 * frames), and unresolved addresses become "[unknown]", perf script's word for them.
 *
 * A "pid" key part (cpu-profile.bt and off-cpu.bt key by it) is not printed: it says whose
 * addresses a user stack holds, so that `symbolize` can name the ones bpftrace left raw.
 */
import { ENDS_STACK, WHY, type Resolved } from './symbolize.js';

export type StackKeyPart = 'kstack' | 'ustack' | 'pid' | 'text';

/** Names a raw user address of process pid (null when the key has no pid) whose comm is comm. */
export type FrameSymbolizer = (pid: number | null, comm: string, address: number) => Resolved;

export interface FoldOptions {
  /** Keep "+123" offsets (default false: stripped). */
  keepOffsets?: boolean;
  /** Keep unresolved "0x7f9dd69ede58" frames as they are (default false: "[unknown]"). */
  keepAddresses?: boolean;
  /** Append "_[k]" to kernel frames, as stackcollapse-perf.pl --kernel does (default false). */
  annotateKernel?: boolean;
  /** Names user addresses the tracer left raw; frames it cannot name stay "[unknown]" with its reason counted. */
  symbolize?: FrameSymbolizer;
}

const OFFSET = /\+(?:0x[0-9a-fA-F]+|\d+)$/;
const PERF_ADDRESS = /^[0-9a-fA-F]{4,} /;
const PERF_MODULE = / \([^()]*\)$/;
const UNRESOLVED = /^0x[0-9a-fA-F]+$/;

/** One printed frame line, tidied: indentation, perf-mode address and module, and (by default) offset removed. */
export function tidyFrame(line: string, opts: FoldOptions = {}): string {
  let f = line.trim();
  if (f.length === 0) return '';
  // perf mode: "ffffffff817cd01e ext4_mb_prefetch+126" / "c6200e syscall.Syscall+72 (/usr/bin/containerd)"
  if (PERF_ADDRESS.test(f) && f.indexOf(' ') < f.length - 1) {
    f = f.slice(f.indexOf(' ') + 1).replace(PERF_MODULE, '');
  }
  if (!opts.keepOffsets) f = f.replace(OFFSET, '');
  if (!opts.keepAddresses && UNRESOLVED.test(f)) f = '[unknown]';
  return f.replace(/;/g, ':');
}

/**
 * tidyFrame of a symbolizer's name ("runtime.goexit.abi0+1"), memoized: the same names come back
 * for every process of a binary, print after print. Bounded; options other than keepOffsets do
 * not change a name that is not an address.
 */
const tidied = [new Map<string, string>(), new Map<string, string>()];
function tidyName(name: string, opts: FoldOptions): string {
  const memo = tidied[opts.keepOffsets ? 1 : 0]!;
  let t = memo.get(name);
  if (t === undefined) {
    if (memo.size >= 50_000) memo.clear();
    memo.set(name, (t = tidyFrame(name, opts)));
  }
  return t;
}

/** The frames of one printed stack, leaf first (as bpftrace prints them), tidied. */
export function parseStackFrames(text: string, opts: FoldOptions = {}): string[] {
  const out: string[] = [];
  for (const line of text.split('\n')) {
    const f = tidyFrame(line, opts);
    if (f.length > 0) out.push(f);
  }
  return out;
}

/**
 * Splits a map key into `parts` fields. A field that starts with "\n" is a stack and runs to the
 * "\n," that ends it (frame lines never start with ","), so commas inside frames do not split it;
 * other fields end at the next ",", except the last, which takes the rest (a comm may hold commas,
 * so keep free text last).
 */
export function splitStackKey(key: string, parts: number): string[] {
  const out: string[] = [];
  let pos = 0;
  for (let i = 0; i < parts - 1; i++) {
    let end: number;
    if (key.charCodeAt(pos) === 10) {
      const close = key.indexOf('\n,', pos);
      if (close === -1) break;
      end = close + 1;
    } else {
      end = key.indexOf(',', pos);
      if (end === -1) break;
    }
    out.push(key.slice(pos, end));
    pos = end + 1;
  }
  out.push(key.slice(pos));
  return out;
}

/** What folding saw of one key's frames: how many, and why each that stayed unknown did. */
export interface FrameTally {
  frames: number;
  unknown: number;
  /** Reason → unknown frames. */
  why: Map<string, number>;
}

export const UNRESOLVED_BY_TRACER = 'left unresolved by the tracer (no symbolizer)';

/**
 * The user frames of one stack field, leaf first, with raw addresses named where the symbolizer
 * can. An address in none of the process's mappings ends the stack there (one "[unknown]"): the
 * frame-pointer walk went through code without frame pointers and what follows is garbage (up to
 * 127 copies of one bogus address, which would otherwise outweigh every real frame). So does a
 * library address past the leaf in a process whose maps were never read (ENDS_STACK).
 */
function userFrames(field: string, pid: number | null, comm: string, opts: FoldOptions, tally?: FrameTally): string[] {
  const out: string[] = [];
  const keep = opts.keepAddresses ? opts : { ...opts, keepAddresses: true };
  for (const line of field.split('\n')) {
    const trimmed = line.trim();
    // A raw address (what the live view's bpftrace prints for every user frame) is already tidy.
    const isRaw = trimmed.charCodeAt(0) === 48 && trimmed.charCodeAt(1) === 120 && UNRESOLVED.test(trimmed);
    const raw = isRaw ? trimmed : tidyFrame(trimmed, keep);
    if (raw.length === 0) continue;
    let f = raw;
    let stop = false;
    if (isRaw || UNRESOLVED.test(raw)) {
      const r = opts.symbolize?.(pid, comm, parseInt(raw, 16));
      if (r && 'frame' in r) f = tidyName(r.frame, opts);
      else {
        if (!opts.keepAddresses) f = '[unknown]';
        const why = r ? r.why : UNRESOLVED_BY_TRACER;
        // A library leaf of a gone process is the sampled instruction itself: when the library
        // kept the caller's frame pointer the walk above it is sound, so only later ones end it.
        stop = ENDS_STACK.has(why) && (why !== WHY.goneLibrary || out.length > 0);
        tally?.why.set(why, (tally.why.get(why) ?? 0) + 1);
      }
    }
    if (tally) {
      tally.frames++;
      if (f === '[unknown]' || UNRESOLVED.test(f)) tally.unknown++;
    }
    out.push(f);
    if (stop) break;
  }
  return out;
}

/** The folded stack (without count) for one key laid out as `layout`, e.g. ['kstack', 'ustack', 'text']. */
export function foldStackKey(key: string, layout: readonly StackKeyPart[], opts: FoldOptions = {}, tally?: FrameTally): string {
  const fields = splitStackKey(key, layout.length);
  const texts: string[] = [];
  const user: string[] = [];
  const kernel: string[] = [];
  const pidAt = layout.indexOf('pid');
  const pid = pidAt >= 0 && /^\d+$/.test(fields[pidAt] ?? '') ? Number(fields[pidAt]) : null;
  const textAt = layout.lastIndexOf('text');
  const comm = textAt >= 0 ? fields[textAt] ?? '' : '';
  layout.forEach((kind, i) => {
    const field = fields[i] ?? '';
    if (kind === 'pid') return;
    if (kind === 'text') {
      if (field.length > 0) texts.push(field.replace(/;/g, ':'));
      return;
    }
    if (kind === 'ustack') {
      user.push(...userFrames(field, pid, comm, opts, tally).reverse());
      return;
    }
    const frames = parseStackFrames(field, opts).reverse();
    if (tally) tally.frames += frames.length;
    kernel.push(...(opts.annotateKernel ? frames.map((f) => `${f}_[k]`) : frames));
  });
  return [...texts, ...user, ...kernel].join(';');
}

export interface FoldedStacks {
  /** Folded stack → summed count. */
  stacks: Map<string, number>;
  /** Sum of all counts. */
  total: number;
  /** Entries skipped because their value was not a count (a number). */
  skipped: number;
  /** Frames weighted by their stack's count (a frame in a stack of count 5 counts 5). */
  frames: number;
  /** Of those, frames that stayed "[unknown]" (or raw, with keepAddresses). */
  unknown: number;
  /** Why they stayed unknown, weighted the same way. */
  why: Record<string, number>;
}

/**
 * Folds a stack-keyed map's value ({ key: count }) into summed folded stacks. Keys that fold to the
 * same line (same frames once offsets are gone) add up. Keys with nothing in them fold to "[empty]".
 */
export function foldStackMap(value: unknown, layout: readonly StackKeyPart[], opts: FoldOptions = {}): FoldedStacks {
  const stacks = new Map<string, number>();
  let total = 0;
  let skipped = 0;
  let frames = 0;
  let unknown = 0;
  const why: Record<string, number> = {};
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return { stacks, total, skipped, frames, unknown, why };
  for (const [key, count] of Object.entries(value)) {
    if (typeof count !== 'number' || !Number.isFinite(count)) {
      skipped++;
      continue;
    }
    const tally: FrameTally = { frames: 0, unknown: 0, why: new Map() };
    const folded = foldStackKey(key, layout, opts, tally) || '[empty]';
    stacks.set(folded, (stacks.get(folded) ?? 0) + count);
    total += count;
    frames += tally.frames * count;
    unknown += tally.unknown * count;
    for (const [w, n] of tally.why) why[w] = (why[w] ?? 0) + n * count;
  }
  return { stacks, total, skipped, frames, unknown, why };
}

/** Folded stacks as text, one "stack count" line each, sorted by stack (as FlameGraph's tools print). */
export function foldedText(stacks: Map<string, number>): string {
  const keys = [...stacks.keys()].sort();
  return keys.map((k) => `${k} ${stacks.get(k)}\n`).join('');
}

const SEEN = /^\{"type": ?"printf", ?"data": ?"seen (\d+)\\n"\}\s*$/;

/** The pid of a `printf("seen %d\n", pid)` line of cpu-profile.bt / off-cpu.bt (-f json), else null. */
export function seenPid(line: string): number | null {
  if (line.indexOf('seen ') === -1) return null;
  const m = SEEN.exec(line);
  return m ? Number(m[1]) : null;
}

/**
 * The pid and file of a `printf("exec %d %s\n", pid, str(args->filename))` line (-f json; the
 * file is JSON-escaped by bpftrace), else null. The file is what execve was given: maybe relative,
 * or /proc/self/exe (runc init), so the caller decides what it can use.
 */
export function execLine(line: string): { pid: number; file: string } | null {
  if (line.indexOf('"exec ') === -1) return null;
  let o: unknown;
  try {
    o = JSON.parse(line);
  } catch {
    return null;
  }
  const data = (o as { type?: unknown; data?: unknown })?.data;
  if ((o as { type?: unknown }).type !== 'printf' || typeof data !== 'string') return null;
  const m = /^exec (\d+) (.+)\n$/s.exec(data);
  return m ? { pid: Number(m[1]), file: m[2]! } : null;
}
