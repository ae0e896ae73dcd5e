/**
 * Every probe's real --json output, under scripts/load.sh, against the JSON Schema that
 * `ctrscope probes --schema NAME` publishes, checked by an independent validator
 * (python3-jsonschema, Draft 2020-12). A report with a field removed or added must fail it.
 */
import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { missing } from '../helpers/prereq.js';
import { runCli } from '../helpers/cli.js';
import { runProbe, underLoad } from '../helpers/probe-run.js';

const skip = missing('root', 'bpftrace', 'perf', 'strace', 'containerd', 'tracefs', 'image', 'jsonschema');

const VALIDATE = `
import json, sys, jsonschema
d = json.load(sys.stdin)
jsonschema.Draft202012Validator.check_schema(d["schema"])
errs = ["/".join(map(str, e.path)) + ": " + e.message for e in jsonschema.Draft202012Validator(d["schema"]).iter_errors(d["instance"])]
print("\\n".join(errs[:5]))
sys.exit(1 if errs else 0)
`;

/** Validator's verdict: null when the instance is valid, else its first errors. */
function invalid(schema: unknown, instance: unknown): string | null {
  const r = spawnSync('python3', ['-c', VALIDATE], { input: JSON.stringify({ schema, instance }), encoding: 'utf8', timeout: 30_000 });
  if (r.status === 0) return null;
  expect(r.stderr, 'the validator ran (a schema error would show here)').toBe('');
  return r.stdout.trim();
}

async function schemaOf(probe: string): Promise<unknown> {
  const res = await runCli(['probes', '--schema', probe]);
  expect(res.code, res.stderr).toBe(0);
  return JSON.parse(res.stdout);
}

const PROBES: Array<[string, string[]]> = [
  ['syscall-count', []],
  ['syscall-trace', ['--syscalls', 'openat,read,write']],
  ['vfs-latency', []],
  ['file-opens', []],
  ['process-exec', []],
  ['sched', []],
  ['cpu-profile', []],
  ['off-cpu', []],
  ['runtime-cost', []],
];

const NATIVE: Array<[string, string[]]> = [
  ['goroutines', ['--probe', 'goroutines', '--duration', '2s']],
  ['grpc-latency', ['--probe', 'grpc-latency', '--duration', '2s']],
  ['go-cpu', ['--probe', 'go-cpu', '--duration', '2s']],
  ['heap', ['--probe', 'heap']],
  ['diagnose', ['diagnose', '--duration', '3s']],
];

describe.skipIf(skip)("each probe's --json against its published schema", () => {
  underLoad();

  it.each(PROBES)('%s', async (probe, extra) => {
    const schema = await schemaOf(probe);
    const { report } = await runProbe(['--probe', probe, '--duration', '2s', ...extra]);
    expect(report.probe).toBe(probe);
    expect(invalid(schema, report)).toBeNull();
    // The check can fail: a required field gone, or one the schema does not know.
    const { durationSeconds: _gone, ...without } = report;
    expect(invalid(schema, without)).toMatch(/durationSeconds/);
    expect(invalid(schema, { ...report, surprise: 1 })).toMatch(/surprise/);
  }, 120_000);

  // The probes that read containerd itself: pprof on its debug socket, its metrics, its events.
  // (block and mutex print a report only when containerd was built with their profiling on, which
  // containerd 1.6 cannot be configured to do: only their schemas are checked, below.)
  it.skipIf(missing('debug-socket')).each(NATIVE)('%s (reads containerd)', async (probe, args) => {
    const schema = await schemaOf(probe);
    const res = await runCli([...args, '--json']);
    expect(res.code, res.stderr).toBe(0);
    const report = JSON.parse(res.stdout);
    expect(invalid(schema, report)).toBeNull();
    const { durationSeconds: _gone, ...without } = report;
    expect(invalid(schema, without)).toMatch(/durationSeconds/);
    expect(invalid(schema, { ...report, surprise: 1 })).toMatch(/surprise/);
  }, 120_000);

  it('container-start', async () => {
    const schema = await schemaOf('container-start');
    const { report } = await runProbe(['--probe', 'container-start', '--count', '3']);
    expect(report.started).toBe(3);
    expect(invalid(schema, report)).toBeNull();
    expect(invalid(schema, { ...report, phases: [{ ...report.phases[0], n: -1 }] })).toMatch(/phases\/0\/n/);
    expect(invalid(schema, { ...report, surprise: 1 })).toMatch(/surprise/);
  }, 120_000);

  it.each(['block', 'mutex'])('%s: its schema is a valid JSON Schema that refuses a report without its fields', async (probe) => {
    const schema = await schemaOf(probe);
    const common = { probe, backend: 'pprof', attachPoint: 'unix:/run/containerd/debug.sock', skipped: [], durationSeconds: 0, targets: [] };
    expect(invalid(schema, { ...common, enabled: true, samplingPeriod: null, contentions: 3, delaySeconds: 0.5, top: [{ func: 'f', flatSeconds: 0.5, cumSeconds: 0.5 }] })).toBeNull();
    expect(invalid(schema, common)).toMatch(/contentions/);
  });

  it('refuses a probe without a schema in one line', async () => {
    const res = await runCli(['probes', '--schema', 'nope']);
    expect(res.code).toBe(2);
    expect(res.stderr.trim().split('\n')).toHaveLength(1);
  });
});
