/**
 * Live source for container starts (see ./types.ts): containerd's events come from one
 * subscriber for the session, ctrscope's own over containerd's socket (a poll of
 * src/containerd/events-client.ts each second, in `ctr events`' line format; recordings made
 * before it hold the lines of a `ctr events` tracer, read the same way); the execs come from the kernel
 * source's program (live-kernel.bt's C printf line and @ex maps, read through `reads`), so
 * watching starts adds no bpftrace; the execs come with its 2-s prints, so a start is seen up to
 * 2 s late. Pure: lines in, StartWatcher (src/aggregate/start-watch.ts) in the middle, the
 * containerd panel's starts line out; each completed start also goes to `onStart` (serve's
 * histograms, the OTLP exporter), once.
 */
import { parseEventLine, startTopicFilters } from '../../../parsers/containerd-events.js';
import { DEFAULT_ADDRESS } from '../../targets/discover.js';
import { execMap, execPrintf } from '../../../parsers/exec-trace.js';
import { StartWatcher, type StartsView } from '../../aggregate/start-watch.js';
import type { StartPhases } from '../../aggregate/start-phases.js';
import type { LiveSource, LiveSourceDef, SourceOutput } from './types.js';

/** Called with each completed start and the clock offset that puts it on the wall clock. */
export type StartListener = (s: StartPhases, wallMinusMonoNs: bigint) => void;

export type StartsSource = LiveSource & { output(t: number): SourceOutput & { starts: StartsView } };

export function createStartsSource(onStart: StartListener = () => undefined): StartsSource {
  const watcher = new StartWatcher();
  let unrecognized = 0;
  /** Times of completed starts in the last 10 s (the status bar's events a second). */
  let times: number[] = [];
  const done = (starts: StartPhases[], t: number) => {
    const w = watcher.clock;
    if (w === null) return;
    for (const s of starts) {
      times.push(t);
      onStart(s, w);
    }
  };
  return {
    line(text, t) {
      if (text.trim() === '') return;
      const e = parseEventLine(text);
      if (!e) unrecognized++;
      else done(watcher.event(e), t);
    },
    peerLine(_from, text, t) {
      const m = execMap(text);
      if (m) {
        unrecognized += m.bad;
        for (const x of m.execs) done(watcher.exec(x), t);
        return;
      }
      const x = execPrintf(text);
      if (x === null) return;
      if (x.kind === 'bad') unrecognized++;
      else if (x.kind === 'clock') done(watcher.setClock(x.wallMinusMonoNs), t);
      else done(watcher.exec(x.exec), t);
    },
    reset() {
      watcher.resetStats();
      times = [];
    },
    output(t) {
      times = times.filter((x) => x > t - 10_000);
      return { eventsPerSec: times.length / 10, lost: 0, unrecognized, starts: watcher.view() };
    },
  };
}

export const startsSource: LiveSourceDef = {
  id: 'starts',
  probe: 'containerd-events',
  panels: ['containerd'],
  reads: ['kernel'],
  create: () => createStartsSource(),
};

/**
 * The same source with a listener and its subscriber: what serve and the live view run (replays
 * use startsSource). The gRPC client loads when the first poll runs, not with the module.
 */
export function startsSourceWith(onStart: StartListener): LiveSourceDef {
  let stream: import('../../containerd/events-client.js').EventStream | undefined;
  return {
    ...startsSource,
    create: () => createStartsSource(onStart),
    poll: {
      everyMs: 1000,
      backend: 'grpc',
      attachPoint: 'containerd Events/Subscribe',
      async fetch(host) {
        if (!stream) {
          const { EventStream } = await import('../../containerd/events-client.js');
          stream = new EventStream(host.containerd[0]?.address ?? DEFAULT_ADDRESS, startTopicFilters());
        }
        return await stream.take();
      },
      async stop() {
        stream?.close();
        stream = undefined;
      },
    },
  };
}
