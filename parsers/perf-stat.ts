/**
 * `perf stat` output (what perf 6.1 prints on stderr), CSV (`-x,`) or the default human format,
 * with or without `-I` intervals, `--per-thread`, `-A`, `--per-core`, `-r N` and `--summary`.
 *
 *   68341,,context-switches,2243484890,100.00,30.458,K/sec               (-x,)
 *        1.001185817,535.92,msec,task-clock,535920043,100.00,0.536,CPUs utilized   (-x, -I 1000)
 *   <not supported>,,cache-misses,0,100.00,,                             (no hardware counters)
 *                 90680      context-switches     #   26.350 K/sec     (human)
 *
 * `<not supported>` and `<not counted>` are states of their own: their value is null, never 0.
 * Interval rows are deltas per interval; totals are the `summary` rows when perf printed them,
 * else the rows without a timestamp, else the sum of the intervals. Lines it cannot read are
 * counted in `unrecognized`, never thrown.
 */
import type { LineParser } from './lines.js';

export type CounterState = 'counted' | 'not-supported' | 'not-counted';

/** One counter reading (or a sum of readings). */
export interface CounterValue {
  /** The count (or msec for task-clock / cpu-clock); null unless state is 'counted'. */
  value: number | null;
  state: CounterState;
  /** perf's unit column: 'msec' for clocks, '' for plain counts. */
  unit: string;
  /** Percentage of the enabled time the counter ran (below 100 when multiplexed); null if absent. */
  runPct: number | null;
  /** `-r N`: the run-to-run variation perf printed, in percent; null otherwise. */
  variancePct: number | null;
  /** perf's derived metric (e.g. 30.458 "K/sec"); null when perf printed none or values were summed. */
  metric: { value: number; unit: string } | null;
}

/** One parsed counter row. */
export interface PerfStatRow extends CounterValue {
  event: string;
  /** `-I`: seconds since start at the end of the interval; null otherwise. */
  time: number | null;
  /** Per-thread / per-CPU / per-core label ("containerd-3037", "CPU0", "S0-D0-C0"); null when aggregated. */
  scope: string | null;
  /** A `--summary` row printed after the intervals. */
  summary: boolean;
}

export interface PerfStatInterval {
  /** Seconds since start at the end of this interval. */
  t: number;
  /** Per-event values in this interval (scopes summed). */
  values: Map<string, CounterValue>;
}

export interface PerfStatResult {
  /** Per-event totals (see the header for which rows make them). */
  events: Map<string, CounterValue>;
  /** Per-event, per-scope totals when perf printed per-thread / per-CPU rows. */
  byScope: Map<string, Map<string, CounterValue>>;
  /** Interval series, oldest first, at most `maxIntervals` (older ones dropped and counted). */
  intervals: PerfStatInterval[];
  droppedIntervals: number;
  /** "seconds time elapsed" from the human format's footer. */
  elapsedSeconds: number | null;
  format: 'csv' | 'human' | null;
  lines: number;
  unrecognized: number;
}

export interface PerfStatOptions {
  /** The `-x` separator (default ","). */
  separator?: string;
  /** Intervals kept for the series (default 3600). */
  maxIntervals?: number;
  /** Distinct scopes kept per event in byScope (default 4096); later ones only count in totals. */
  maxScopes?: number;
}

const NUMBER = /^-?\d+(?:\.\d+)?(?:[eE][-+]?\d+)?$/;
const INTEGER = /^\d+$/;
const PERCENT = /^(\d+(?:\.\d+)?)%$/;
const TIMESTAMP = /^\d+\.\d+$/;
const NOT_SUPPORTED = '<not supported>';
const NOT_COUNTED = '<not counted>';

function isValueField(f: string): boolean {
  const c = f.charCodeAt(0);
  if (c === 60 /* < */) return f === NOT_SUPPORTED || f === NOT_COUNTED;
  return (c === 45 || (c >= 48 && c <= 57)) && NUMBER.test(f);
}

function stateOf(f: string): CounterState {
  if (f === NOT_SUPPORTED) return 'not-supported';
  if (f === NOT_COUNTED) return 'not-counted';
  return 'counted';
}

/** Splits the fields before the value into time / summary / scope. */
function readPrefix(prefix: string[]): { time: number | null; summary: boolean; scope: string | null } {
  let time: number | null = null;
  let summary = false;
  let rest = prefix.map((p) => p.trim());
  if (rest.length > 0 && TIMESTAMP.test(rest[0])) {
    time = Number(rest[0]);
    rest = rest.slice(1);
  } else if (rest.length > 0 && rest[0] === 'summary') {
    summary = true;
    rest = rest.slice(1);
  }
  // --per-core / --per-socket add a count of CPUs after the label ("S0-D0-C0,1"): not part of it.
  if (rest.length >= 2 && INTEGER.test(rest[rest.length - 1])) rest = rest.slice(0, -1);
  const scope = rest.length > 0 ? rest.join(',') : null;
  return { time, summary, scope };
}

/**
 * One `-x` row. The value's column is found, not assumed: before it come optional fields
 * (interval time, "summary", thread / CPU / core label); after it unit, event, [variance%,]
 * run time, run %, metric, metric unit.
 *
 *   68341,,context-switches,2243484890,100.00,30.458,K/sec
 *        1.001063205,617.08,msec,task-clock,617076771,100.00,0.617,CPUs utilized
 *   containerd-3026,<not counted>,,context-switches,0,100.00,,          (--per-thread)
 *   S0-D0-C0,1,501.36,msec,task-clock,501361320,100.00,1.000,CPUs utilized  (--per-core)
 *            summary,32380,,context-switches,1070129143,100.00,30.258,K/sec  (-I --summary)
 *   23047,,context-switches,9.38%,870086002,100.00,25.746,K/sec          (-r 2)
 * Returns 'metric' for perf's metric-only continuation rows (empty value and event, then a
 * metric: printed for events with more than one derived metric; no capture here shows one).
 */
export function parsePerfStatCsvRow(line: string, sep = ','): PerfStatRow | 'metric' | null {
  const f = line.split(sep);
  const last = Math.min(f.length - 5, 6);
  for (let i = 0; i <= last; i++) {
    // Values are never padded (the interval time before them is: it fails here, as it should).
    const valueField = f[i];
    if (!isValueField(valueField)) continue;
    const event = f[i + 2];
    if (event === '' || NUMBER.test(event)) continue;
    let at = i + 3;
    let variancePct: number | null = null;
    const v = PERCENT.exec(f[at]);
    if (v && INTEGER.test(f[at + 1] ?? '')) {
      variancePct = Number(v[1]);
      at++;
    } else if (!INTEGER.test(f[at])) continue;
    const runPctField = f[at + 1];
    if (runPctField === undefined || !NUMBER.test(runPctField)) continue;
    const { time, summary, scope } = readPrefix(f.slice(0, i));
    const state = stateOf(valueField);
    const mv = f[at + 2];
    const metric = mv !== undefined && NUMBER.test(mv) ? { value: Number(mv), unit: (f[at + 3] ?? '').trim() } : null;
    return {
      event,
      value: state === 'counted' ? Number(valueField) : null,
      state,
      unit: f[i + 1],
      runPct: Number(runPctField),
      variancePct,
      metric,
      time,
      scope,
      summary,
    };
  }
  // A metric-only continuation: [prefix,] then empty value/unit/event/run fields, then metric,unit.
  if (f.length >= 4 && NUMBER.test(f[f.length - 2]) && f[f.length - 3] === '' && f[f.length - 4] === '') return 'metric';
  return null;
}

const VARIANCE_TAIL = /\s*\(\s*\+-\s*([\d.]+)%\s*\)\s*$/;
const RUN_PCT_TAIL = /\s*\((\d+(?:\.\d+)?)%\)\s*$/;
const HUMAN_NUMBER = /^-?[\d,]*\d(?:\.\d+)?$/;

/**
 * One counter line of the human format. Columns are whitespace-aligned; "<not supported>"
 * holds a space, so it is read before the split.
 *
 *                 90680      context-switches                 #   26.350 K/sec
 *              3441.39 msec task-clock                       #    1.146 CPUs utilized
 *      <not supported>      cache-misses
 *        1.000120078            1005.46 msec task-clock      #    1.005 CPUs utilized   (-I)
 *        containerd-3026          <not counted>      context-switches                 (--per-thread)
 *   CPU0                    20592      context-switches       #   20.565 K/sec           (-A)
 *                20918      context-switches    #   29.109 K/sec    ( +-  1.20% )      (-r 2)
 * Locales with grouping print "7,208": commas inside a number are dropped.
 */
export function parsePerfStatHumanRow(line: string): PerfStatRow | 'metric' | null {
  let text = line.trimEnd();
  let variancePct: number | null = null;
  let runPct: number | undefined;
  // Both tails end in ")": test for them only then (the expressions are not anchored at the start).
  const v = text.endsWith(')') ? VARIANCE_TAIL.exec(text) : null;
  if (v) {
    variancePct = Number(v[1]);
    text = text.slice(0, v.index);
  }
  const r = text.endsWith(')') ? RUN_PCT_TAIL.exec(text) : null;
  if (r) {
    runPct = Number(r[1]);
    text = text.slice(0, r.index);
  }
  let metric: CounterValue['metric'] = null;
  const hash = text.indexOf(' # ');
  if (hash !== -1) {
    const m = /^\s*(-?[\d.]+)\s+(.*?)\s*$/.exec(text.slice(hash + 3));
    if (m && NUMBER.test(m[1])) metric = { value: Number(m[1]), unit: m[2] };
    text = text.slice(0, hash);
  }
  const tokens = text
    .replace(NOT_SUPPORTED, '<not-supported>')
    .replace(NOT_COUNTED, '<not-counted>')
    .trim()
    .split(/\s+/)
    .filter((t) => t.length > 0);
  if (tokens.length === 0) return metric ? 'metric' : null;
  for (let i = 0; i < tokens.length; i++) {
    const tok = tokens[i];
    const special = tok === '<not-supported>' || tok === '<not-counted>';
    if (!special && !HUMAN_NUMBER.test(tok)) continue;
    const after = tokens.length - i - 1;
    if (after !== 1 && after !== 2) continue;
    if (after === 2 && (HUMAN_NUMBER.test(tokens[i + 1]) || tokens[i + 1].startsWith('<not-'))) continue;
    const event = tokens[tokens.length - 1];
    if (HUMAN_NUMBER.test(event)) continue;
    const { time, summary, scope } = readPrefix(tokens.slice(0, i));
    const state: CounterState = tok === '<not-supported>' ? 'not-supported' : tok === '<not-counted>' ? 'not-counted' : 'counted';
    return {
      event,
      value: state === 'counted' ? Number(tok.replace(/,/g, '')) : null,
      state,
      unit: after === 2 ? tokens[i + 1] : '',
      // perf adds "(xx.xx%)" only when the counter did not run all the time.
      runPct: runPct ?? 100,
      variancePct,
      metric,
      time,
      scope,
      summary,
    };
  }
  return null;
}

// Headers and footers perf prints around the counters:
//        3.001752249 seconds time elapsed          1.001034 +- 0.000659 seconds time elapsed  ( +-  0.07% )
//        0.012000000 seconds user                   Performance counter stats for process id '3026':
//   #           time             counts unit events                    # started on ... (perf stat -o)
const HUMAN_ELAPSED = /^\s*([\d.]+)(?:\s+\+-\s+[\d.]+)?\s+seconds time elapsed/;
const HUMAN_USER_SYS = /^\s*[\d.]+\s+seconds (?:user|sys)\s*$/;
const HUMAN_HEADER = /^\s*Performance counter stats for .*:\s*$/;
const HUMAN_COMMENT = /^#\s+(?:time\s|started on )/;

/** Adds b into a, in place: counted values add up; a counted reading wins over an uncounted one. */
function mergeInto(a: CounterValue, b: CounterValue): void {
  if (a.state === 'counted' && b.state === 'counted') {
    a.value = (a.value ?? 0) + (b.value ?? 0);
    if (a.runPct === null || (b.runPct !== null && b.runPct < a.runPct)) a.runPct = b.runPct;
  } else if (b.state === 'counted') {
    a.value = b.value;
    a.state = 'counted';
    a.runPct = b.runPct;
  } else if (a.state !== 'counted') {
    // Neither counted: "not counted" (it ran nowhere) says more than "not supported".
    if (b.state === 'not-counted') a.state = 'not-counted';
    a.runPct ??= b.runPct;
  }
  a.unit ||= b.unit;
  // A sum has no single variance or rate.
  a.variancePct = null;
  a.metric = null;
}

/** a and b added (see mergeInto): the sum of two readings of one event. */
export function combineCounter(a: CounterValue, b: CounterValue): CounterValue {
  const out = { ...a };
  mergeInto(out, b);
  return out;
}

function copyCounter(c: CounterValue): CounterValue {
  const { value, state, unit, runPct, variancePct, metric } = c;
  return { value, state, unit, runPct, variancePct, metric };
}

/** Adds a reading into map[key]; the map owns its values (a copy is stored first). */
function addInto(map: Map<string, CounterValue>, key: string, c: CounterValue): void {
  const prev = map.get(key);
  if (prev) mergeInto(prev, c);
  else map.set(key, copyCounter(c));
}

/** Streaming parser over perf stat's output, CSV or human, one line at a time. */
export class PerfStatParser implements LineParser<PerfStatResult> {
  private readonly sep: string;
  private readonly maxIntervals: number;
  private readonly maxScopes: number;
  private readonly summaryTotals = new Map<string, CounterValue>();
  private readonly plainTotals = new Map<string, CounterValue>();
  private readonly intervalTotals = new Map<string, CounterValue>();
  private readonly state: PerfStatResult = {
    events: new Map(),
    byScope: new Map(),
    intervals: [],
    droppedIntervals: 0,
    elapsedSeconds: null,
    format: null,
    lines: 0,
    unrecognized: 0,
  };

  constructor(options: PerfStatOptions = {}) {
    this.sep = options.separator ?? ',';
    this.maxIntervals = Math.max(1, options.maxIntervals ?? 3600);
    this.maxScopes = Math.max(0, options.maxScopes ?? 4096);
  }

  line(raw: string): void {
    const s = this.state;
    s.lines++;
    const text = raw.endsWith('\r') ? raw.slice(0, -1) : raw;
    const trimmed = text.trim();
    if (trimmed.length === 0) return;
    if (text.includes(this.sep)) {
      const row = parsePerfStatCsvRow(text, this.sep);
      if (row === 'metric') return;
      if (row) {
        s.format ??= 'csv';
        this.add(row);
        return;
      }
    }
    if (text.includes(' seconds ')) {
      const elapsed = HUMAN_ELAPSED.exec(text);
      if (elapsed) s.elapsedSeconds = Number(elapsed[1]);
      if (elapsed || HUMAN_USER_SYS.test(text)) return;
    }
    if (trimmed.charCodeAt(0) === 35 /* # */ && HUMAN_COMMENT.test(trimmed)) return;
    if (text.includes('Performance counter stats') && HUMAN_HEADER.test(text)) return;
    const row = parsePerfStatHumanRow(text);
    if (row === 'metric') return;
    if (row) {
      s.format ??= 'human';
      this.add(row);
      return;
    }
    s.unrecognized++;
  }

  private add(row: PerfStatRow): void {
    const c: CounterValue = row;
    if (row.summary) addInto(this.summaryTotals, row.event, c);
    else if (row.time === null) addInto(this.plainTotals, row.event, c);
    else {
      addInto(this.intervalTotals, row.event, c);
      this.addInterval(row.time, row.event, c);
    }
    if (row.scope !== null && !row.summary) {
      let scopes = this.state.byScope.get(row.event);
      if (!scopes) this.state.byScope.set(row.event, (scopes = new Map()));
      if (scopes.has(row.scope) || scopes.size < this.maxScopes) addInto(scopes, row.scope, c);
    }
  }

  private addInterval(t: number, event: string, c: CounterValue): void {
    const list = this.state.intervals;
    let cur = list[list.length - 1];
    if (!cur || cur.t !== t) {
      cur = { t, values: new Map() };
      list.push(cur);
      if (list.length > this.maxIntervals) {
        list.shift();
        this.state.droppedIntervals++;
      }
    }
    addInto(cur.values, event, c);
  }

  result(): PerfStatResult {
    const s = this.state;
    s.events =
      this.summaryTotals.size > 0 ? this.summaryTotals : this.plainTotals.size > 0 ? this.plainTotals : this.intervalTotals;
    return s;
  }
}
