/**
 * `perf script` output → folded stacks, byte for byte what FlameGraph's stackcollapse-perf.pl
 * prints (checked against its outputs for every option: shared/conformance/flamegraph).
 *
 * Input, from `perf record -F 99 -g -p $(pgrep -xo containerd)` then `perf script` on this host:
 *
 *   containerd  3038   473.502495:   10101010 cpu-clock:ppp:
 *   \tffffffff821f8914 __schedule+0x3d4 ([kernel.kallsyms])
 *   \t          8d34c0 runtime.epollwait.abi0+0x20 (/usr/bin/containerd)
 *   \t          8d1381 runtime.goexit.abi0+0x1 (/usr/bin/containerd)
 *   (blank line)
 *
 * Output (renderFolded): root frame first, counts summed over the event's period:
 *
 *   containerd;runtime.goexit.abi0;runtime.epollwait.abi0;__schedule 10101010
 *
 * Rules kept from the Perl script, quirks included: only samples of the first event type seen
 * count; a sample is folded at its blank line (never at end of input); "# ..." lines are skipped;
 * a line that is neither event, frame, blank nor comment is counted in `unrecognized`.
 * For byte-exact output decode input bytes as latin1 and encode the result the same way; text
 * decoded as UTF-8 works too (keys are then UTF-8 text).
 */
import type { LineParser } from './lines.js';
import { foldFrames, type FrameRules } from './perf-frames.js';
import { isSpace, matchEventName, matchEventRecord, matchStackLine, PerfLineMatch } from './perf-script-match.js';
import { hashStep, StackTable } from './stack-table.js';
import { detach, LineCache, MISSING } from './line-cache.js';

/** stackcollapse-perf.pl's options, same names. */
export interface PerfCollapseOptions {
  /** Root frame `comm-PID` (`?` when perf printed no PID). */
  pid?: boolean;
  /** Root frame `comm-PID/TID`; wins over pid. */
  tid?: boolean;
  /** `_[k]` after kernel frames. */
  kernel?: boolean;
  /** `_[j]` after JIT frames. */
  jit?: boolean;
  /** kernel and jit. */
  all?: boolean;
  /** `[module <addr>]` for frames without a symbol. */
  addrs?: boolean;
}

export interface PerfCollapseResult {
  /** Folded stack → summed period (a new Map each call: a snapshot). Render with renderFolded. */
  stacks: ReadonlyMap<string, number>;
  lines: number;
  /** Samples folded into stacks. */
  samples: number;
  /** Event records of another event type than `event`, left out. */
  skippedSamples: number;
  /** Lines that are neither event record, frame, blank nor comment. */
  unrecognized: number;
  /** The event type counted: the first one seen (undefined until one is seen). */
  event: string | undefined;
}

const enum Root {
  Comm,
  Pid,
  Tid,
}

/** A streaming collapser: feed lines (`line`) or raw text chunks (`push`, then `end`). */
export class PerfScriptCollapser implements LineParser<PerfCollapseResult> {
  private readonly table = new StackTable();
  /** Frame-group text ↔ id; root-frame text ↔ id. */
  private readonly groupIds = new Map<string, number>();
  private readonly groups: string[] = [];
  private readonly rootIds = new Map<string, number>();
  private readonly roots: string[] = [];
  /** Frame line (from its address on) → group id; one cache for java samples, one for others. */
  private readonly cache = new LineCache();
  private readonly javaCache = new LineCache();
  private readonly m = new PerfLineMatch();
  private readonly rules: FrameRules;
  private readonly root: Root;
  /** Root frame of the sample being read; undefined between samples and in skipped ones. */
  private pname: string | undefined;
  private java = false;
  private period = 1;
  private rootId = 0;
  /** Frame-group ids of the current sample, innermost first (the order perf prints them). */
  private ids = new Int32Array(256);
  private depth = 0;
  private event: string | undefined;
  private rest = '';
  private lines = 0;
  private samples = 0;
  private skippedSamples = 0;
  private unrecognized = 0;

  constructor(options: PerfCollapseOptions = {}) {
    this.rules = { kernel: !!(options.kernel || options.all), jit: !!(options.jit || options.all), addrs: !!options.addrs };
    this.root = options.tid ? Root.Tid : options.pid ? Root.Pid : Root.Comm;
  }

  /** One line without its "\n". */
  line(text: string): void {
    this.lineAt(text, 0, text.length);
  }

  /** A chunk of text cut anywhere; lines are read in place, without copying them. */
  push(chunk: string): void {
    let start = 0;
    if (this.rest.length > 0) {
      const nl = chunk.indexOf('\n');
      if (nl === -1) {
        this.rest += chunk;
        return;
      }
      const first = this.rest + chunk.slice(0, nl);
      this.rest = '';
      this.lineAt(first, 0, first.length);
      start = nl + 1;
    }
    let nl = chunk.indexOf('\n', start);
    while (nl !== -1) {
      this.lineAt(chunk, start, nl);
      start = nl + 1;
      nl = chunk.indexOf('\n', start);
    }
    if (start < chunk.length) this.rest = chunk.slice(start);
  }

  /** Ends a pushed stream: reads a last line that had no "\n". */
  end(): void {
    if (this.rest.length === 0) return;
    const last = this.rest;
    this.rest = '';
    this.lineAt(last, 0, last.length);
  }

  /** The aggregate so far; costs one pass over the distinct stacks. */
  result(): PerfCollapseResult {
    return {
      stacks: this.table.toMap(),
      lines: this.lines,
      samples: this.samples,
      skippedSamples: this.skippedSamples,
      unrecognized: this.unrecognized,
      event: this.event,
    };
  }

  private lineAt(s: string, start: number, end: number): void {
    this.lines++;
    // A blank line ends the sample.
    if (start === end) return this.endSample();
    const first = s.charCodeAt(start);
    // "# ========", "# cmdline : /usr/bin/perf record ...": perf script --header comments.
    if (first === 35 /* # */) return;
    if (!isSpace(first) && matchEventRecord(s, start, end, this.m)) return this.onEvent(s, start, end);
    this.onStackLine(s, start, end);
  }

  /**
   * A frame line. Lines repeat (same address, symbol and module), so what one folds to is cached,
   * keyed by the whole line: a hash of its length and first 24 characters (perf pads addresses
   * to 16 characters after a tab, so they hold the address and the symbol's start), then a full
   * comparison.
   */
  private onStackLine(s: string, start: number, end: number): void {
    const to = start + 24 < end ? start + 24 : end;
    let hash = end - start;
    for (let k = start; k < to; k++) hash = Math.imul(hash ^ s.charCodeAt(k), 0x01000193);
    const cache = this.java ? this.javaCache : this.cache;
    let id = cache.get(s, start, end, hash);
    if (id === MISSING) {
      id = this.foldLine(s, start, end);
      // Folding depends on the sample (java or not): outside one, nothing is cached.
      if (this.pname !== undefined && id !== UNRECOGNIZED) cache.set(s, start, end, hash, id);
    }
    if (id === UNRECOGNIZED) {
      this.unrecognized++;
      return;
    }
    // Frames of a skipped sample (another event type), or a line that adds no frame.
    if (this.pname === undefined || id < 0) return;
    if (this.depth === this.ids.length) {
      const bigger = new Int32Array(this.ids.length * 2);
      bigger.set(this.ids);
      this.ids = bigger;
    }
    this.ids[this.depth++] = id;
  }

  /** Folds a frame line: a group id, NO_FRAME or UNRECOGNIZED. */
  private foldLine(s: string, start: number, end: number): number {
    const m = this.m;
    if (!matchStackLine(s, start, end, m)) return UNRECOGNIZED;
    if (this.pname === undefined) return NO_FRAME;
    const mod = s.slice(m.modStart, m.modEnd);
    const group = foldFrames(s.slice(m.funcStart, m.funcEnd), mod, s.slice(m.pcStart, m.pcEnd), this.java, this.rules);
    return group === null ? NO_FRAME : this.groupId(group);
  }

  private groupId(group: string): number {
    let id = this.groupIds.get(group);
    if (id === undefined) {
      id = this.groups.length;
      group = detach(group);
      this.groups.push(group);
      this.groupIds.set(group, id);
    }
    return id;
  }

  private onEvent(s: string, start: number, end: number): void {
    const m = this.m;
    let period = 1;
    if (matchEventName(s, start, end, m)) {
      const len = m.eventEnd - m.eventStart;
      if (this.event === undefined) this.event = detach(s.slice(m.eventStart, m.eventEnd));
      else if (len !== this.event.length || !s.startsWith(this.event, m.eventStart)) {
        // Merging cycles with instructions would mislead: like the Perl script, keep the first type.
        this.skippedSamples++;
        return;
      }
      if (m.periodStart >= 0) period = periodOf(s, m.periodStart, m.periodEnd);
    }
    this.period = period;
    const comm = s.slice(start, m.commEnd);
    let pname = comm;
    if (this.root !== Root.Comm) {
      // "comm TID ..." has no PID: Perl names it "?"; so does a TID of "0" (false in Perl).
      const noTid = m.tidEnd === m.tidStart || (m.tidEnd - m.tidStart === 1 && s.charCodeAt(m.tidStart) === 48);
      const pid = noTid ? '?' : s.slice(m.pidStart, m.pidEnd);
      pname = comm + '-' + pid;
      if (this.root === Root.Tid) pname += '/' + (noTid ? s.slice(m.pidStart, m.pidEnd) : s.slice(m.tidStart, m.tidEnd));
    }
    if (pname.indexOf(' ') !== -1) pname = pname.replaceAll(' ', '_');
    this.pname = pname;
    this.java = pname.startsWith('java');
    let rootId = this.rootIds.get(pname);
    if (rootId === undefined) {
      rootId = this.roots.length;
      const root = detach(pname);
      this.roots.push(root);
      this.rootIds.set(root, rootId);
    }
    this.rootId = rootId;
  }

  private endSample(): void {
    if (this.pname === undefined) return;
    // An event record does not clear the frames (the Perl script only does at a blank line).
    let hash = hashStep(0x2545f491, this.rootId);
    for (let i = 0; i < this.depth; i++) hash = hashStep(hash, this.ids[i]);
    this.table.add(this.rootId, this.ids, this.depth, hash, this.period, () => this.foldedText());
    this.samples++;
    this.depth = 0;
    this.pname = undefined;
  }

  /** The current sample as folded text: root first, outermost frame next. */
  private foldedText(): string {
    let key = this.roots[this.rootId];
    for (let i = this.depth - 1; i >= 0; i--) key += ';' + this.groups[this.ids[i]];
    return key;
  }
}

const NO_FRAME = -1;
const UNRECOGNIZED = -2;

/** Perl's truth and numbers: "0" (false) counts 1, "00" counts 0. */
function periodOf(s: string, start: number, end: number): number {
  if (end - start === 1 && s.charCodeAt(start) === 48) return 1;
  if (end - start > 15) return Number(s.slice(start, end));
  let v = 0;
  for (let i = start; i < end; i++) v = v * 10 + (s.charCodeAt(i) - 48);
  return v;
}

/** Collapses a whole `perf script` text (convenience for tests and small inputs). */
export function collapsePerfScript(text: string, options: PerfCollapseOptions = {}): PerfCollapseResult {
  const c = new PerfScriptCollapser(options);
  c.push(text);
  c.end();
  return c.result();
}
