#!/usr/bin/env node
// bench-frame: what one frame of the live view costs, on the real recording fixtures/live/demo.
//
// The recording is replayed through the real engine (src/session/replay.ts) into one snapshot
// every 500 ms of recorded time. Then, PASSES times over those snapshots:
//   (a) screen   screenLines(state) per snapshot, with the panel memo the view keeps (when
//                dist/ has one), so an unchanged panel costs what the view really pays for it
//   (b) frame    the terminal frontend into a fake terminal (160x48): from the snapshot dispatch
//                to the changed rows written (screenLines, escape codes, the row diff)
//   (c) key      the same, for a key press (Tab: the focus moves on) after each snapshot frame
// Each prints the median and p99 in ms, the CPU ms per frame (process.cpuUsage over the loop) and
// for (b) and (c) the bytes written per frame. (Before LineWriter, Ink drew each frame: 57 ms of
// CPU a frame here, against a few ms now.)
//
// Usage: npx tsc -p tsconfig.json && node scripts/bench-frame.mjs   (PASSES=20 COLS=160 ROWS=48)
import { EventEmitter } from 'node:events';
import { fileURLToPath } from 'node:url';

// Colours as in a terminal (chalk reads this when ink loads): without them a focus change draws nothing new.
process.env.FORCE_COLOR ??= '3';
const dist = (p) => new URL(`../dist/src/${p}`, import.meta.url).href;
// First, as in the CLI: it decides which React build loads.
const frontend = await import(dist('ui/frontend.js'));
const { readRecording, ReplayFeed } = await import(dist('session/replay.js'));
const screen = await import(dist('ui/screen.js'));
const { initialState, reduce } = await import(dist('ui/state.js'));

const PASSES = Number(process.env.PASSES ?? 20);
const COLS = Number(process.env.COLS ?? 160);
const ROWS = Number(process.env.ROWS ?? 48);
const FIXTURE = fileURLToPath(new URL('../fixtures/live/demo', import.meta.url));

function snapshots() {
  const rec = readRecording(FIXTURE);
  const feed = new ReplayFeed(rec, 1);
  const out = [];
  for (let t = 500; ; t += 500) {
    feed.advanceTo(t);
    out.push(feed.engine.snapshot());
    if (feed.finished && t >= rec.durationMs) break;
  }
  return out;
}

class FakeStdout extends EventEmitter {
  columns = COLS;
  rows = ROWS;
  isTTY = true;
  bytes = 0;
  writes = 0;
  write(s) {
    this.bytes += Buffer.byteLength(s);
    this.writes++;
    return true;
  }
}

class FakeStdin extends EventEmitter {
  isTTY = true;
  data = null;
  setEncoding() {}
  setRawMode() {}
  resume() {}
  pause() {}
  ref() {}
  unref() {}
  read = () => {
    const d = this.data;
    this.data = null;
    return d;
  };
  press(s) {
    this.data = s;
    this.emit('readable');
    this.emit('data', s);
  }
}

const quantile = (xs, q) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor(q * s.length))];
};
const report = (name, times, cpuMs, bytes) => {
  const extra = bytes === undefined ? '' : `  ${Math.round(bytes / times.length)} bytes/frame`;
  console.log(
    `${name.padEnd(7)} n=${String(times.length).padStart(4)}  median ${quantile(times, 0.5).toFixed(3)} ms  p99 ${quantile(times, 0.99).toFixed(3)} ms  CPU ${(cpuMs / times.length).toFixed(3)} ms/frame${extra}`,
  );
};
const cpuNow = () => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
};
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

const snaps = snapshots();
console.log(`bench-frame: ${snaps.length} snapshots from ${FIXTURE}, ${COLS}x${ROWS}, ${PASSES} passes`);
console.log(`NODE_ENV=${process.env.NODE_ENV ?? ''}, screen memo: ${screen.ScreenMemo ? 'yes' : 'no'}`);

// (a) screenLines alone.
{
  const times = [];
  const c0 = cpuNow();
  for (let p = 0; p < PASSES; p++) {
    const memo = screen.ScreenMemo ? new screen.ScreenMemo() : undefined;
    let s = initialState(COLS, ROWS);
    for (const snap of snaps) {
      s = reduce(s, { type: 'snapshot', snapshot: snap }).state;
      const t0 = performance.now();
      screen.screenLines(s, memo);
      times.push(performance.now() - t0);
    }
  }
  report('screen', times, cpuNow() - c0);
}

// (b) and (c): the terminal frontend (Ink for keys, LineWriter for the screen) into a fake terminal.
{
  const snapTimes = [];
  const keyTimes = [];
  let snapCpu = 0;
  let keyCpu = 0;
  let snapBytes = 0;
  let keyBytes = 0;
  for (let p = 0; p < PASSES; p++) {
    const stdout = new FakeStdout();
    const stdin = new FakeStdin();
    const ui = frontend.terminalFrontend(() => undefined, stdout, { stdin });
    await sleep(5);
    // One frame: drawn synchronously by the state change (the snapshot gate is bypassed here).
    const frame = (act) => {
      const b0 = stdout.bytes;
      const c0 = cpuNow();
      const t0 = performance.now();
      act();
      return { ms: performance.now() - t0, cpu: cpuNow() - c0, bytes: stdout.bytes - b0 };
    };
    for (const snap of snaps) {
      const a = frame(() => ui.dispatch({ type: 'snapshot', snapshot: snap }));
      snapTimes.push(a.ms);
      snapCpu += a.cpu;
      snapBytes += a.bytes;
      const k = frame(() => ui.dispatch({ type: 'key', key: 'tab' }));
      if (k.bytes === 0) throw new Error('Tab drew nothing');
      keyTimes.push(k.ms);
      keyCpu += k.cpu;
      keyBytes += k.bytes;
    }
    ui.close();
  }
  report('frame', snapTimes, snapCpu, snapBytes);
  report('key', keyTimes, keyCpu, keyBytes);
}
process.exit(0);
