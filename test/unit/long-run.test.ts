/**
 * The V8 settings of the modes that stay running (src/util/long-run.ts) take effect when set at
 * run time, in this Node: a child process imports the built module, settles, allocates as a
 * session does, and reports its young generation and whether TurboFan is off.
 */
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const MODULE = fileURLToPath(new URL('../../dist/src/util/long-run.js', import.meta.url));
const CHILD = `
import v8 from 'node:v8';
const { settleForLongRun } = await import(process.argv[1]);
settleForLongRun();
const keep = [];
for (let i = 0; i < 1e6; i++) { const o = { a: i, b: 'x' + i }; if (i % 10 === 0) keep.push(o); if (keep.length > 50000) keep.shift(); }
const ns = v8.getHeapSpaceStatistics().find((s) => s.space_name === 'new_space');
console.log(JSON.stringify({ newSpaceMiB: ns.space_size / 2 ** 20 }));
`;
const run = (env: NodeJS.ProcessEnv) => JSON.parse(execFileSync(process.execPath, ['--input-type=module', '-e', CHILD, MODULE], { env: { ...process.env, ...env }, encoding: 'utf8' })) as { newSpaceMiB: number };

describe('settleForLongRun', () => {
  it("keeps V8's young generation at its first size (2 MiB), where it grows to 32 MiB without", () => {
    const settled = run({ CTRSCOPE_V8_OPT: '' });
    const kept = run({ CTRSCOPE_V8_OPT: '1' });
    expect(settled.newSpaceMiB).toBeLessThanOrEqual(4);
    expect(kept.newSpaceMiB).toBeGreaterThan(settled.newSpaceMiB * 2);
  });
});
