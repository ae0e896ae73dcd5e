/**
 * Live source for the stacks panel: the live-stacks probe (bpftrace profile:hz:49, one tracer for
 * the session). It prints @samples and @announce each second and the stacks of the last 10 s
 * every 10 s (then clears them): each print is folded here and added up since the start (or the
 * last reset). In a live session the frames bpftrace left raw (processes gone when it printed:
 * shims, runc) are named first, from what ctx.stackImages read of each process @announce (older
 * recordings: "seen"/"exec" lines) named, or the file @execs gave; a replay folds what was recorded.
 * Recordings made before live-stacks (cpu-profile restarted every 10 s, stacks printed when each
 * run stopped) read the same way: one stacks print per run.
 */
import { foldStackMap } from '../../../parsers/bpftrace-stacks.js';
import { BpftraceJsonParser } from '../../../parsers/bpftrace-json.js';
import type { StacksView } from '../../live-model/types.js';
import { stackLayout } from '../../summaries/stacks.js';
import type { LiveSource, LiveSourceDef, SourceOutput, StackImages } from './types.js';

/** Distinct stacks kept; samples of further ones are added to one line that says so. */
export const MAX_STACKS = 20_000;
const OVERFLOW = '[more distinct stacks than ctrscope keeps]';

interface RunState {
  parser: BpftraceJsonParser;
  stacksSeq: number;
  samplesSeq: number;
  execsSeq: number;
  announceSeq: number;
  /** (time, @samples) of the last two prints, for the rate. */
  last: Array<[number, number]>;
}

class StacksSource implements LiveSource {
  constructor(private readonly images: StackImages | null) {}

  private readonly runs = new Map<number, RunState>();
  private folded = new Map<string, number>();
  private samples = 0;
  private sorted: Array<[string, number]> | null = null;
  private rate = 0;
  private lost = 0;
  private unrecognized = 0;

  private state(run: number): RunState {
    let r = this.runs.get(run);
    if (!r) this.runs.set(run, (r = { parser: new BpftraceJsonParser(0), stacksSeq: -1, samplesSeq: -1, execsSeq: -1, announceSeq: -1, last: [] }));
    return r;
  }

  runStarted(run: number): void {
    this.state(run);
  }

  line(text: string, t: number, run = 0): void {
    const r = this.state(run);
    // "seen PID" and "exec PID FILE" (recordings made before @announce and @execs): read the
    // process now, while it runs (live sessions). They hold no map, so the JSON parser, and the
    // look at its maps below, are for the other lines only.
    if (text.startsWith('{"type": "printf"') && text.length < 8192) {
      this.images?.line(text);
      return;
    }
    r.parser.line(text);
    const maps = r.parser.result().maps;
    const s = maps.get('@samples');
    if (s && s.seq !== r.samplesSeq && typeof s.value === 'number') {
      r.samplesSeq = s.seq;
      r.last = [...r.last.slice(-1), [t, s.value]];
      if (r.last.length === 2 && r.last[1]![0] > r.last[0]![0]) this.rate = Math.max(0, r.last[1]![1] - r.last[0]![1]) / ((r.last[1]![0] - r.last[0]![0]) / 1000);
    }
    // Processes first sampled in the last second: read now, while they run.
    const an = maps.get('@announce');
    if (an && an.seq !== r.announceSeq) {
      r.announceSeq = an.seq;
      this.images?.announced(an.value);
    }
    // The files targets executed in these 10 s, printed just before the stacks they name.
    const ex = maps.get('@execs');
    if (ex && ex.seq !== r.execsSeq) {
      r.execsSeq = ex.seq;
      this.images?.execsPrinted(ex.value);
    }
    const st = maps.get('@stacks');
    if (st && st.seq !== r.stacksSeq) {
      r.stacksSeq = st.seq;
      // Keyed by pid since live-stacks.bt announces its processes (older recordings: comm only).
      const f = foldStackMap(st.value, stackLayout(st.value), { symbolize: this.images?.symbolizer() });
      this.images?.printed();
      for (const [stack, n] of f.stacks) {
        const key = this.folded.has(stack) || this.folded.size < MAX_STACKS ? stack : OVERFLOW;
        this.folded.set(key, (this.folded.get(key) ?? 0) + n);
      }
      this.samples += f.total;
      this.sorted = null;
    }
  }

  runEnded(run: number): void {
    const r = this.runs.get(run);
    if (!r) return;
    this.lost += r.parser.result().lostEvents;
    this.unrecognized += r.parser.result().unrecognized;
    this.runs.delete(run);
  }

  reset(): void {
    this.folded = new Map();
    this.samples = 0;
    this.sorted = null;
  }

  output(): SourceOutput {
    let lost = this.lost;
    let unrecognized = this.unrecognized;
    for (const r of this.runs.values()) {
      lost += r.parser.result().lostEvents;
      unrecognized += r.parser.result().unrecognized;
    }
    // The same array while nothing changed: the flame view memoizes its tree on it.
    this.sorted ??= [...this.folded].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1));
    const stacks: StacksView | undefined = this.samples > 0 || this.runs.size > 0 ? { folded: this.sorted, samples: this.samples } : undefined;
    return { eventsPerSec: this.rate, lost, unrecognized, stacks };
  }
}

export const stacksSource: LiveSourceDef = {
  id: 'stacks',
  probe: 'live-stacks',
  panels: ['stacks'],
  create: (ctx) => new StacksSource(ctx.stackImages?.() ?? null),
};
