/**
 * eventLine writes the line `ctr events` prints: every line of a real `ctr events` capture
 * (fixtures/containerd/events.txt, see fixtures/containerd/README.md) read and written again
 * gives an event equal to the first read, and a time whose fraction has trailing zeros (or none)
 * is written as Go prints it. decodeEnvelope never throws on bytes that are not an envelope.
 */
import { readFileSync } from 'node:fs';
import protobuf from 'protobufjs';
import { describe, expect, it } from 'vitest';
import { decodeEnvelope } from '../../parsers/containerd-envelope.js';
import { eventLine, parseEventLine } from '../../parsers/containerd-events.js';

const lines = readFileSync(new URL('../../fixtures/containerd/events.txt', import.meta.url), 'utf8').split('\n').filter(Boolean);

describe('eventLine', () => {
  it('round-trips every line of a real capture', () => {
    expect(lines.length).toBeGreaterThan(10);
    for (const l of lines) {
      const e = parseEventLine(l)!;
      expect(e, l).not.toBeNull();
      expect(parseEventLine(eventLine(e))).toEqual(e);
    }
  });

  it('writes the fraction as Go does', () => {
    const at = (ns: bigint) => eventLine({ timeNs: ns, namespace: 'n', topic: '/t', payload: {} });
    expect(at(1_764_000_000_617_459_180n)).toBe('2025-11-24 16:00:00.61745918 +0000 UTC n /t {}');
    expect(at(1_764_000_000_000_000_000n)).toBe('2025-11-24 16:00:00 +0000 UTC n /t {}');
  });
});

describe('decodeEnvelope', () => {
  it('reads an envelope with a TaskStart, and refuses garbage without throwing', () => {
    const w = protobuf.Writer.create();
    // TaskStart { container_id = 1; pid = 2 }
    const start = protobuf.Writer.create().uint32((1 << 3) | 2).string('c1').uint32(2 << 3).uint32(4242).finish();
    const any = protobuf.Writer.create().uint32((1 << 3) | 2).string('containerd.events.TaskStart').uint32((2 << 3) | 2).bytes(start).finish();
    const ts = protobuf.Writer.create().uint32(1 << 3).int64(1_764_000_000).uint32(2 << 3).int32(5).finish();
    w.uint32((1 << 3) | 2).bytes(ts).uint32((2 << 3) | 2).string('ns1').uint32((3 << 3) | 2).string('/tasks/start').uint32((4 << 3) | 2).bytes(any);
    expect(decodeEnvelope(w.finish())).toEqual({ timeNs: 1_764_000_000_000_000_005n, namespace: 'ns1', topic: '/tasks/start', payload: { container_id: 'c1', pid: 4242 } });
    expect(decodeEnvelope(new Uint8Array([0xff, 0xff, 0xff]))).toBeNull();
    expect(decodeEnvelope(new Uint8Array([]))).toBeNull();
  });
});
