/**
 * ctrscope's own subscriber to containerd's events (src/containerd/events-client.ts) against the
 * real containerd, side by side with `ctr events` given the same filters: while three containers
 * start, both see the same events (time to the nanosecond, namespace, topic, and the payload
 * fields the start phases read), in the same line format. A socket with nothing behind it gives
 * one error from take(), not a hang.
 */
import { spawn } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { parseEventLine, startTopicFilters, type ContainerdEvent } from '../../parsers/containerd-events.js';
import { EventStream } from '../../src/containerd/events-client.js';
import { startLoad } from '../helpers/cli.js';
import { missing } from '../helpers/prereq.js';

const skip = missing('root', 'containerd', 'image');
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const SOCK = '/run/containerd/containerd.sock';

/** What a start phase reads of an event, as one comparable string. */
const key = (e: ContainerdEvent) => {
  const p = e.payload;
  return [e.timeNs, e.namespace, e.topic, p.container_id ?? '', p.id ?? '', p.key ?? '', p.pid ?? '', p.image ?? ''].join(' ');
};

describe.skipIf(skip)('containerd event stream, in-process', () => {
  it('sees what ctr events sees, with the same filters', async () => {
    const ctr = spawn('ctr', ['--address', SOCK, 'events', ...startTopicFilters()], { stdio: ['ignore', 'pipe', 'inherit'] });
    let ctrOut = '';
    ctr.stdout.on('data', (b: Buffer) => (ctrOut += b.toString()));
    const stream = new EventStream(SOCK, startTopicFilters());
    try {
      expect(await stream.take()).toBe('');
      await sleep(1500);
      const load = startLoad(3);
      await new Promise<void>((res) => load.child.on('close', () => res()));
      const prefix = `ctrscope-load-${load.child.pid}-`;
      await sleep(1500);
      const ours = (await stream.take()).split('\n').filter(Boolean);
      const theirs = ctrOut.split('\n').filter(Boolean);
      const mine = (lines: string[]) =>
        lines
          .map((l) => parseEventLine(l))
          .filter((e): e is ContainerdEvent => !!e && JSON.stringify(e.payload).includes(prefix))
          .map(key);
      // Four topics a start: snapshot prepare, container create, task create, task start.
      expect(mine(ours)).toHaveLength(12);
      expect(mine(ours)).toEqual(mine(theirs));
      // Every message was an envelope (one that is not becomes a line no parser reads).
      expect(ours.filter((l) => !parseEventLine(l))).toEqual([]);
    } finally {
      stream.close();
      ctr.kill('SIGTERM');
    }
  }, 60_000);

  it('says so when nothing listens at the socket', async () => {
    const stream = new EventStream(`/tmp/ctrscope-no-containerd-${process.pid}.sock`, startTopicFilters());
    try {
      expect(await stream.take()).toBe('');
      const deadline = Date.now() + 10_000;
      let error: Error | null = null;
      while (!error && Date.now() < deadline) {
        await sleep(100);
        error = await stream.take().then(
          () => null,
          (e: Error) => e,
        );
      }
      expect(error?.message).toMatch(/containerd's event stream at \/tmp\/ctrscope-no-containerd-\d+\.sock failed: /);
    } finally {
      stream.close();
    }
  }, 30_000);
});
