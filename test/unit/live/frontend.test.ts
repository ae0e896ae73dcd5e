/**
 * The terminal frontend on a fake terminal: snapshots arriving every 50 ms are drawn at most
 * twice a second, a key is drawn at once (before the snapshot that waits), and frameTimes()
 * hands over one duration per frame drawn and clears them.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { fmtElapsed } from '../../../src/ui/format.js';
import { terminalFrontend, type Frontend } from '../../../src/ui/frontend.js';
import { replaySnapshots } from '../../helpers/live-fixture.js';
import { FakeKeys, FakeTerminal } from '../../helpers/fake-terminal.js';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const snaps = replaySnapshots();

let ui: Frontend | null = null;
afterEach(() => {
  ui?.close();
  ui = null;
});

function open() {
  const out = new FakeTerminal();
  const keys = new FakeKeys();
  ui = terminalFrontend(() => undefined, out as unknown as NodeJS.WriteStream, { stdin: keys as unknown as NodeJS.ReadStream });
  return { ui, out, keys };
}

describe('terminal frontend', () => {
  it('draws at most 2 frames a second while snapshots arrive every 50 ms', async () => {
    const { ui } = open();
    ui.frameTimes();
    // A fixed number of snapshots, 50 ms apart or slower: a loaded host only stretches the time.
    const t0 = performance.now();
    for (let i = 0; i < 30; i++) {
      ui.show({ ...snaps[i % snaps.length]!, seq: 1000 + i });
      await sleep(50);
    }
    await sleep(20);
    const frames = ui.frameTimes();
    const elapsed = performance.now() - t0;
    // One at once, then one per 500 ms at most.
    expect(frames.length).toBeGreaterThanOrEqual(2);
    expect(frames.length).toBeLessThanOrEqual(1 + Math.floor(elapsed / 500));
    expect(frames.length).toBeLessThan(30);
    for (const ms of frames) expect(ms).toBeGreaterThanOrEqual(0);
    expect(ui.frameTimes()).toEqual([]);
  });

  it('draws a key at once, before the snapshot that waits for its turn', async () => {
    const { ui, out, keys } = open();
    const first = snaps[0]!;
    const later = snaps[snaps.length - 1]!;
    const clock = (x: typeof first) => ` ${fmtElapsed(x.session.elapsedS)}  `;
    expect(clock(first)).not.toBe(clock(later));
    ui.show(first);
    await until(() => out.written.includes(clock(first)));
    ui.frameTimes();
    ui.show(later); // within 500 ms of the last snapshot frame: it waits
    keys.press('?');
    await until(() => out.written.includes(clock(later)));
    const help = out.written.indexOf('keys (Esc closes)');
    expect(help).toBeGreaterThan(0);
    expect(help).toBeLessThan(out.written.indexOf(clock(later)));
    expect(ui.frameTimes()).toHaveLength(2);
  });
});

/** Polls until `ok`, failing after 5 s. */
async function until(ok: () => boolean) {
  const deadline = Date.now() + 5000;
  while (!ok()) {
    if (Date.now() > deadline) throw new Error('timed out');
    await sleep(5);
  }
}
