#!/usr/bin/env node
// Test program: starts one tracer through ctrscope's runner (dist/) and keeps it.
// Usage: hold-tracer.mjs [--block-ms N] [--max-inflight BYTES] [--stopped-ms N] -- TRACER ARGV...
// Prints JSON lines on stdout: {"event":"spawned","pid":N}, {"event":"watchdog","why":...},
// {"event":"dropped","bytes":N,"lines":N}, {"event":"exit",...}. With --block-ms the main thread
// busy-waits that long after the tracer starts (a consumer that has stalled).
import { Tracer } from '../../dist/src/runner/tracer.js';

const args = process.argv.slice(2);
const sep = args.indexOf('--');
const opts = Object.fromEntries(
  args.slice(0, sep).reduce((acc, v, i, a) => (i % 2 === 0 ? [...acc, [v.replace(/^--/, ''), Number(a[i + 1])]] : acc), []),
);
const argv = args.slice(sep + 1);
const say = (o) => process.stdout.write(JSON.stringify(o) + '\n');
let lines = 0;
const t = new Tracer({ label: argv[0], argv, maxInflightBytes: opts['max-inflight'] || undefined, stoppedDeadlineMs: opts['stopped-ms'] || undefined });
t.start({
  onStdoutLine: () => lines++,
  onStderrLine: () => lines++,
  onDropped: (bytes, l) => say({ event: 'dropped', bytes, lines: l }),
  onWatchdog: (why) => say({ event: 'watchdog', why }),
});
process.on('SIGTERM', async () => {
  await t.stop();
  process.exit(0);
});
const pid = await t.whenSpawned();
say({ event: 'spawned', pid });
if (opts['block-ms']) {
  setTimeout(() => {
    const end = Date.now() + opts['block-ms'];
    while (Date.now() < end) {
      // stalled consumer
    }
    say({ event: 'unblocked', lines });
  }, 300);
}
const exit = await t.wait();
say({ event: 'exit', code: exit.code, signal: exit.signal, endedBy: exit.endedBy, watchdog: exit.watchdog, droppedLines: exit.droppedLines, lines });
