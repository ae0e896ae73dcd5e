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

  it('refuses a probe without a schema in one line', async () => {
    const res = await runCli(['probes', '--schema', 'nope']);
    expect(res.code).toBe(2);
    expect(res.stderr.trim().split('\n')).toHaveLength(1);
  });
});
