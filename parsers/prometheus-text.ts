/**
 * The Prometheus text exposition format, as containerd serves it at `GET /v1/metrics`:
 *
 *   # HELP grpc_server_handled_total Total number of RPCs completed on the server, ...
 *   # TYPE grpc_server_handled_total counter
 *   grpc_server_handled_total{grpc_code="OK",grpc_method="Create",grpc_service="containerd.services.tasks.v1.Tasks",grpc_type="unary"} 499
 *   grpc_server_handling_seconds_bucket{grpc_method="Create",...,grpc_type="unary",le="0.005"} 3
 *   grpc_server_handling_seconds_bucket{...,le="+Inf"} 4
 *   process_resident_memory_bytes 5.1712e+07
 *   go_gc_duration_seconds{quantile="0"} 9.664e-06
 *
 * Every sample keeps its labels (the parse-prometheus-text-format package merged all labelled
 * series of a histogram into one on this input, so it is not used). Values may be +Inf, -Inf,
 * NaN; an optional timestamp after the value is ignored. A line that is none of these is counted.
 */
import type { LineParser } from './lines.js';

export interface PromSample {
  name: string;
  labels: Record<string, string>;
  value: number;
}

export interface PromScrape {
  /** Samples by metric name (a histogram's _bucket, _sum and _count are names of their own). */
  samples: Map<string, PromSample[]>;
  /** `# TYPE` by family name. */
  types: Map<string, string>;
  lines: number;
  unrecognized: number;
}

const NAME = /^[a-zA-Z_:][a-zA-Z0-9_:]*/;

/** Parses `{a="x",b="y\"z"}` starting at text[i] === '{'; returns labels and the index after '}', or null. */
function parseLabels(text: string, i: number): { labels: Record<string, string>; end: number } | null {
  const labels: Record<string, string> = {};
  i++;
  for (;;) {
    while (text[i] === ' ' || text[i] === ',') i++;
    if (text[i] === '}') return { labels, end: i + 1 };
    const m = /^[a-zA-Z_][a-zA-Z0-9_]*/.exec(text.slice(i, i + 200));
    if (!m) return null;
    i += m[0].length;
    while (text[i] === ' ') i++;
    if (text[i] !== '=' || text[i + 1] !== '"') return null;
    i += 2;
    let v = '';
    for (;;) {
      const c = text[i];
      if (c === undefined) return null;
      if (c === '"') break;
      if (c === '\\') {
        const n = text[i + 1];
        v += n === 'n' ? '\n' : (n ?? '');
        i += 2;
        continue;
      }
      v += c;
      i++;
    }
    labels[m[0]] = v;
    i++;
  }
}

function parseValue(s: string): number | null {
  if (s === '+Inf' || s === 'Inf') return Infinity;
  if (s === '-Inf') return -Infinity;
  if (s === 'NaN') return NaN;
  if (!/^[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$/.test(s)) return null;
  return Number(s);
}

export class PrometheusTextParser implements LineParser<PromScrape> {
  private readonly samples = new Map<string, PromSample[]>();
  private readonly types = new Map<string, string>();
  private lines = 0;
  private unrecognized = 0;

  line(raw: string): void {
    this.lines++;
    const text = raw.trim();
    if (text === '') return;
    if (text.startsWith('#')) {
      // # TYPE grpc_server_handling_seconds histogram
      const t = /^#\s*TYPE\s+(\S+)\s+(\S+)/.exec(text);
      if (t) this.types.set(t[1]!, t[2]!);
      // # HELP ... and other comments carry nothing we use.
      return;
    }
    const name = NAME.exec(text);
    if (!name) {
      this.unrecognized++;
      return;
    }
    let i = name[0].length;
    let labels: Record<string, string> = {};
    if (text[i] === '{') {
      const l = parseLabels(text, i);
      if (!l) {
        this.unrecognized++;
        return;
      }
      labels = l.labels;
      i = l.end;
    }
    // value, then an optional timestamp
    const rest = text.slice(i).trim().split(/\s+/);
    const value = rest.length >= 1 && rest.length <= 2 ? parseValue(rest[0]!) : null;
    if (value === null) {
      this.unrecognized++;
      return;
    }
    let list = this.samples.get(name[0]);
    if (!list) this.samples.set(name[0], (list = []));
    list.push({ name: name[0], labels, value });
  }

  result(): PromScrape {
    return { samples: this.samples, types: this.types, lines: this.lines, unrecognized: this.unrecognized };
  }
}

/** The value of a metric without labels (or the first series), or undefined. */
export function scalar(s: PromScrape, name: string): number | undefined {
  return s.samples.get(name)?.[0]?.value;
}
