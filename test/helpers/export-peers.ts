/**
 * The real readers of ctrscope's exports, for tests: Go's `go tool pprof` (Debian golang-go) and
 * speedscope's published JSON schema checked by python3-jsonschema.
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { missing } from './prereq.js';

export interface TopRow {
  flat: number;
  cum: number;
  func: string;
}

function pprof(args: string[]): { stdout: string; stderr: string } {
  const r = spawnSync('go', ['tool', 'pprof', ...args], { encoding: 'utf8', timeout: 60_000, env: { ...process.env, HOME: process.env.HOME ?? '/root' } });
  if (r.status !== 0) throw new Error(`go tool pprof ${args.join(' ')}: exit ${r.status}: ${r.stderr.slice(-500)}`);
  return { stdout: r.stdout, stderr: r.stderr };
}

/** `go tool pprof -top` of every function (no node dropped), for one sample type. */
export function pprofTop(file: string, sampleIndex: string, extra: string[] = []): { rows: TopRow[]; text: string } {
  const { stdout, stderr } = pprof(['-top', `-sample_index=${sampleIndex}`, ...extra, '-nodecount=1000000', '-nodefraction=0', '-edgefraction=0', file]);
  const rows: TopRow[] = [];
  let header = false;
  const text = stdout + stderr;
  for (const line of stdout.split('\n')) {
    if (/^\s+flat\s+flat%\s+sum%\s+cum\s+cum%/.test(line)) {
      header = true;
      continue;
    }
    if (!header || line.trim() === '') continue;
    const m = /^\s*(\S+)\s+\S+%\s+\S+%\s+(\S+)\s+\S+%\s+(.*)$/.exec(line);
    if (!m) throw new Error(`unexpected pprof -top line: ${line}`);
    // With -unit=ns values carry their unit ("1234ns").
    rows.push({ flat: Number(m[1]!.replace(/[a-z]+$/, '')), cum: Number(m[2]!.replace(/[a-z]+$/, '')), func: m[3]! });
  }
  return { rows, text };
}

/** `go tool pprof -raw`: sample types, period, and the samples as pprof sees them. */
export const pprofRaw = (file: string) => pprof(['-raw', file]).stdout;

/** Per function: value where it is the leaf (flat) and of every stack it is in (cum, once a stack). */
export function foldedTop(stacks: ReadonlyMap<string, number>, scale = 1): Map<string, { flat: number; cum: number }> {
  const out = new Map<string, { flat: number; cum: number }>();
  const get = (f: string) => out.get(f) ?? (out.set(f, { flat: 0, cum: 0 }), out.get(f)!);
  for (const [stack, raw] of stacks) {
    const v = raw / scale;
    const frames = stack.split(';');
    get(frames.at(-1)!).flat += v;
    for (const f of new Set(frames)) get(f).cum += v;
  }
  return out;
}

/**
 * speedscope's published schema (file-format-schema.json, in the speedscope npm package's
 * dist/release/): from CTRSCOPE_SPEEDSCOPE_SCHEMA, or the package when installed.
 */
export function speedscopeSchema(): string | null {
  const env = process.env.CTRSCOPE_SPEEDSCOPE_SCHEMA;
  if (env) return existsSync(env) ? env : null;
  try {
    const pkg = createRequire(import.meta.url).resolve('speedscope/package.json');
    const p = join(dirname(pkg), 'dist/release/file-format-schema.json');
    return existsSync(p) ? p : null;
  } catch {
    return null;
  }
}

/** Why the speedscope schema check cannot run here (python3-jsonschema or the schema missing), or null; throws in CI. */
export function speedscopeMissing(): string | null {
  const why = missing('jsonschema');
  if (why) return why;
  if (speedscopeSchema()) return null;
  const msg = "speedscope's file-format-schema.json not found (install the speedscope npm package, or set CTRSCOPE_SPEEDSCOPE_SCHEMA)";
  if (process.env.CI === 'true') throw new Error(`CI: ${msg}`);
  console.warn(`skipping: ${msg}`);
  return msg;
}

/** Validates a JSON file against a JSON schema with python3-jsonschema; returns null or the error. */
export function jsonSchemaError(schema: string, file: string): string | null {
  const py = [
    'import json, sys, jsonschema',
    's = json.load(open(sys.argv[1]))',
    'v = jsonschema.validators.validator_for(s)',
    'v.check_schema(s)',
    'e = jsonschema.exceptions.best_match(v(s).iter_errors(json.load(open(sys.argv[2]))))',
    'print("ok" if e is None else e.message[:300])',
  ].join('\n');
  const r = spawnSync('python3', ['-c', py, schema, file], { encoding: 'utf8', timeout: 60_000 });
  if (r.status !== 0) throw new Error(`python3 jsonschema: ${r.stderr.slice(-500)}`);
  const out = r.stdout.trim();
  return out === 'ok' ? null : out;
}
