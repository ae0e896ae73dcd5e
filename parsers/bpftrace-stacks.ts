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
 */

export type StackKeyPart = 'kstack' | 'ustack' | 'text';

export interface FoldOptions {
  /** Keep "+123" offsets (default false: stripped). */
  keepOffsets?: boolean;
  /** Keep unresolved "0x7f9dd69ede58" frames as they are (default false: "[unknown]"). */
  keepAddresses?: boolean;
  /** Append "_[k]" to kernel frames, as stackcollapse-perf.pl --kernel does (default false). */
  annotateKernel?: boolean;
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

/** The folded stack (without count) for one key laid out as `layout`, e.g. ['kstack', 'ustack', 'text']. */
export function foldStackKey(key: string, layout: readonly StackKeyPart[], opts: FoldOptions = {}): string {
  const fields = splitStackKey(key, layout.length);
  const texts: string[] = [];
  const user: string[] = [];
  const kernel: string[] = [];
  layout.forEach((kind, i) => {
    const field = fields[i] ?? '';
    if (kind === 'text') {
      if (field.length > 0) texts.push(field.replace(/;/g, ':'));
      return;
    }
    const frames = parseStackFrames(field, opts).reverse();
    if (kind === 'ustack') user.push(...frames);
    else kernel.push(...(opts.annotateKernel ? frames.map((f) => `${f}_[k]`) : frames));
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
}

/**
 * Folds a stack-keyed map's value ({ key: count }) into summed folded stacks. Keys that fold to the
 * same line (same frames once offsets are gone) add up. Keys with nothing in them fold to "[empty]".
 */
export function foldStackMap(value: unknown, layout: readonly StackKeyPart[], opts: FoldOptions = {}): FoldedStacks {
  const stacks = new Map<string, number>();
  let total = 0;
  let skipped = 0;
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return { stacks, total, skipped };
  for (const [key, count] of Object.entries(value)) {
    if (typeof count !== 'number' || !Number.isFinite(count)) {
      skipped++;
      continue;
    }
    const folded = foldStackKey(key, layout, opts) || '[empty]';
    stacks.set(folded, (stacks.get(folded) ?? 0) + count);
    total += count;
  }
  return { stacks, total, skipped };
}

/** Folded stacks as text, one "stack count" line each, sorted by stack (as FlameGraph's tools print). */
export function foldedText(stacks: Map<string, number>): string {
  const keys = [...stacks.keys()].sort();
  return keys.map((k) => `${k} ${stacks.get(k)}\n`).join('');
}
