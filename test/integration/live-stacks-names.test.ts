/**
 * The live view's stacks name their frames under a container-start loop. Its bpftrace leaves
 * every user address raw (BPFTRACE_NO_USER_SYMBOLS), so each user frame is named by ctrscope.
 * The checks: the stacks exported with `e` are at most 5% [unknown] frames, sample-weighted (the
 * issue's target), and the shim's frames are the names `nm -D` lists for the shim's binary.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { missing } from '../helpers/prereq.js';
import { underLoad } from '../helpers/probe-run.js';
import { PtyApp } from '../helpers/pty.js';

const SHIM = '/usr/bin/containerd-shim-runc-v2';
const skip = missing('root', 'bpftrace', 'containerd', 'tracefs', 'image');

let app: PtyApp | null = null;
afterEach(async () => {
  await app?.close();
  app = null;
});

describe.skipIf(skip)('live view stacks under a container-start loop', () => {
  underLoad();
  it('names all but 5% of the frames it exports, shim frames as nm -D names them', async () => {
    const cwd = mkdtempSync(join(tmpdir(), 'ctrscope-live-stacks-'));
    const a = (app = new PtyApp([], { cols: 150, rows: 44, cwd }));
    // Two stack prints (every 10 s) folded: the panel counts samples of both.
    await a.waitFor(/4 stacks .*\(\d+ of \d+ samples\)/, 40_000);
    await new Promise((r) => setTimeout(r, 11_000));
    a.press('e');
    await a.waitFor(/wrote \S+\.folded/, 15_000);
    const file = readdirSync(cwd).find((f) => f.endsWith('.folded'))!;
    const lines = readFileSync(join(cwd, file), 'utf8').trim().split('\n');
    rmSync(cwd, { recursive: true, force: true });

    let frames = 0;
    let unknown = 0;
    const shimNames = new Set<string>();
    for (const l of lines) {
      const n = Number(l.slice(l.lastIndexOf(' ') + 1));
      const parts = l.slice(0, l.lastIndexOf(' ')).split(';');
      // The first part is the process (comm), not a frame.
      for (const f of parts.slice(1)) {
        frames += n;
        if (f === '[unknown]') unknown += n;
        if (parts[0] === 'containerd-shim' && /^[a-z][\w./()*-]*\.[\w.()*-]+$/i.test(f) && !f.includes('_')) shimNames.add(f);
      }
    }
    expect(frames).toBeGreaterThan(1000);
    expect((unknown / frames) * 100, `${unknown} of ${frames} frames [unknown]`).toBeLessThanOrEqual(5);

    const nm = new Set<string>();
    for (const l of execFileSync('nm', ['-D', '--defined-only', SHIM], { encoding: 'utf8', maxBuffer: 64 << 20 }).split('\n')) {
      const m = /^[0-9a-f]+ [Tt] (.+)$/.exec(l);
      if (m) nm.add(m[1]!);
    }
    const named = [...shimNames].filter((n) => nm.has(n));
    expect(named.length).toBeGreaterThan(20);
    expect(named.length).toBeGreaterThan(shimNames.size * 0.8);
  }, 120_000);
});
