/**
 * The live view's containerd-log source: a real tail of a file that a real containerd log
 * (fixtures/containerd/containerd-failed-starts.txt: ten starts whose command does not exist) is
 * appended to, polled by the live feed, recorded to a real recording, replayed: the replay's log
 * line is the live one, and its errors per second and newest error are those of the file, counted
 * here from the file's own lines.
 */
import { appendFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { tailLog } from '../../src/containerd/log-tail.js';
import { LiveEngine, noHost } from '../../src/session/live.js';
import { LiveFeed } from '../../src/session/live-feed.js';
import { containerdLogSource } from '../../src/session/live-sources/containerd-log.js';
import type { LiveSourceDef } from '../../src/session/live-sources/types.js';
import { Recorder } from '../../src/session/record.js';
import { RECORDING_FORMAT } from '../../src/session/record-format.js';
import { readRecording, ReplayFeed } from '../../src/session/replay.js';
import { containerdLogLine } from '../../src/ui/panels/containerd-log.js';
import { containerdLines } from '../../src/ui/panels/containerd.js';
import { initialState } from '../../src/ui/state.js';

const FIX = new URL('../../fixtures/containerd/containerd-failed-starts.txt', import.meta.url).pathname;
const lines = readFileSync(FIX, 'utf8').split('\n').filter(Boolean);
const timeOf = (l: string) => Date.parse(/^time="([^"]+)"/.exec(l)![1]!);
const errors = lines.filter((l) => / level=error /.test(l));
const tmp = mkdtempSync(join(tmpdir(), 'ctrscope-loglive-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('containerd-log in the live view, recorded and replayed', () => {
  it('the replay shows the live log line; rates and the newest error are the file\'s', async () => {
    const log = join(tmp, 'containerd.log');
    const firstError = lines.indexOf(errors[0]!);
    // The view starts after the good starts; the failed ones are appended while it runs.
    writeFileSync(log, lines.slice(0, firstError).join('\n') + '\n');
    const tail = tailLog({ kind: 'file', paths: [log], how: log }, { backlogBytes: 64 * 1024 });
    const def: LiveSourceDef = { ...containerdLogSource, poll: { ...containerdLogSource.poll!, everyMs: 20, fetch: () => tail.take(), stop: () => tail.stop() } };
    // The session's wall clock is the capture's: it "started" 100 ms before the last error (the
    // appends below take over 300 ms, so the whole burst is in the view's last 10 s at its end).
    const startedAtMs = timeOf(errors.at(-1)!) - 100;
    const t0 = Date.now();
    const now = () => Date.now() - t0;
    const engine = new LiveEngine([def], { arch: process.arch, startedAtMs }, 'live', now);
    const dir = join(tmp, 'rec');
    const rec = new Recorder(dir);
    const feed = new LiveFeed(engine, rec, now);
    feed.start([def], { host: noHost(), selection: { pids: [], comms: [], containers: [], defaultTargets: true }, targets: [] }, (planned) =>
      rec.write({ t: 0, type: 'meta', format: RECORDING_FORMAT, ctrscope: 'test', arch: process.arch, startedAt: new Date(startedAtMs).toISOString(), containerdVersion: null, sources: planned }),
    );
    await sleep(100);
    expect(engine.snapshot().containerdLog?.newestError).toBeNull();
    for (let i = firstError; i < lines.length; i += 7) {
      appendFileSync(log, lines.slice(i, i + 7).join('\n') + '\n');
      await sleep(15);
    }
    for (let i = 0; i < 100 && (engine.snapshot().containerdLog?.levels.error ?? 0) < errors.length; i++) await sleep(20);
    await feed.stop();
    rec.close();
    const live = engine.snapshot().containerdLog!;
    expect(live.levels.error).toBe(errors.length);
    expect(live.lines).toBe(lines.length);
    expect(live.levels.warning).toBe(lines.filter((l) => / level=warning /.test(l)).length);
    const last = errors.at(-1)!;
    const msgOf = (l: string) => `${/ msg="([^"]*)"/.exec(l)![1]}: ${/ error="([^"]*)"/.exec(l)![1]}`;
    expect(live.newestError?.message).toBe(msgOf(last));
    // The ten errors differ only in a number: one template.
    expect(live.newestError?.count).toBe(errors.filter((l) => msgOf(l).replace(/\d+/g, '') === msgOf(last).replace(/\d+/g, '')).length);

    const replay = new ReplayFeed(readRecording(dir), 1);
    replay.advanceTo(Number.MAX_SAFE_INTEGER);
    const snap = replay.engine.snapshot();
    const got = snap.containerdLog!;
    const { ageSeconds: _a, ...newest } = got.newestError!;
    const { ageSeconds: _b, ...liveNewest } = live.newestError!;
    expect(newest).toEqual(liveNewest);
    expect({ ...got, newestError: null, errorsPerSec: 0, warningsPerSec: 0 }).toEqual({ ...live, newestError: null, errorsPerSec: 0, warningsPerSec: 0 });
    // At the replay's end the wall clock is startedAt + its time: the errors logged in the 10 s before.
    const wall = startedAtMs + snap.t;
    const inWindow = errors.map(timeOf).filter((t) => t > wall - 10_000 && t <= wall).length;
    expect(inWindow).toBeGreaterThan(0);
    expect(got.errorsPerSec).toBeCloseTo(inWindow / 10, 6);
    expect(got.newestError!.ageSeconds).toBeCloseTo((wall - timeOf(last)) / 1000, 3);

    // The panel draws it: the rate, and the newest error's message.
    const line = containerdLogLine(snap, 200)!.map((s) => s.t).join('');
    expect(line).toContain(`err/s ${(inWindow / 10).toFixed(1)}`);
    expect(line).toContain(`(×${got.newestError!.count}): ${msgOf(last)}`);
    const st = { ...initialState(200, 40), shown: snap };
    expect(containerdLines(st, 200, 10).some((l) => l.map((s) => s.t).join('') === line)).toBe(true);
  }, 30_000);
});
