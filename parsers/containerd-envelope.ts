/**
 * containerd's event envelopes as its Events/Subscribe gRPC stream sends them (protobuf), decoded
 * to the ContainerdEvent that `ctr events` lines give. Pure: bytes in, events out; never throws.
 *
 * The messages are containerd's own (api/services/events/v1/events.proto: Envelope; api/events/
 * *.proto: the payloads), declared here for protobufjs with the fields ctrscope reads (the
 * start-phase events'): other fields and other event types are skipped, and an event of a type
 * not declared keeps its time, namespace and topic with an empty payload, as a line ctr could
 * not format would.
 */
import protobuf from 'protobufjs';
import type { ContainerdEvent } from './containerd-events.js';

const root = protobuf.Root.fromJSON({
  nested: {
    Timestamp: { fields: { seconds: { type: 'int64', id: 1 }, nanos: { type: 'int32', id: 2 } } },
    Any: { fields: { type_url: { type: 'string', id: 1 }, value: { type: 'bytes', id: 2 } } },
    Envelope: {
      fields: { timestamp: { type: 'Timestamp', id: 1 }, namespace: { type: 'string', id: 2 }, topic: { type: 'string', id: 3 }, event: { type: 'Any', id: 4 } },
    },
    SubscribeRequest: { fields: { filters: { rule: 'repeated', type: 'string', id: 1 } } },
    SnapshotPrepare: { fields: { key: { type: 'string', id: 1 }, parent: { type: 'string', id: 2 }, snapshotter: { type: 'string', id: 5 } } },
    ContainerCreate: {
      fields: { id: { type: 'string', id: 1 }, image: { type: 'string', id: 2 }, runtime: { type: 'Runtime', id: 3 } },
      nested: { Runtime: { fields: { name: { type: 'string', id: 1 } } } },
    },
    TaskCreate: { fields: { container_id: { type: 'string', id: 1 }, bundle: { type: 'string', id: 2 }, checkpoint: { type: 'string', id: 5 }, pid: { type: 'uint32', id: 6 } } },
    TaskStart: { fields: { container_id: { type: 'string', id: 1 }, pid: { type: 'uint32', id: 2 } } },
  },
});

const Envelope = root.lookupType('Envelope');
const Subscribe = root.lookupType('SubscribeRequest');
/** Payload types by the last part of their type URL ("containerd.events.TaskStart"). */
const PAYLOADS = new Map(['SnapshotPrepare', 'ContainerCreate', 'TaskCreate', 'TaskStart'].map((n) => [n, root.lookupType(n)]));
const TO_OBJECT = { longs: String, defaults: false } as const;

/** The bytes of a SubscribeRequest with these filters (containerd ORs them). */
export function subscribeRequest(filters: string[]): Uint8Array {
  return Subscribe.encode(Subscribe.create({ filters })).finish();
}

/** One envelope's bytes → the event; null when they are not an envelope with a topic. */
export function decodeEnvelope(bytes: Uint8Array): ContainerdEvent | null {
  try {
    const env = Envelope.toObject(Envelope.decode(bytes), TO_OBJECT) as {
      timestamp?: { seconds?: string; nanos?: number };
      namespace?: string;
      topic?: string;
      event?: { type_url?: string; value?: Uint8Array };
    };
    if (!env.topic) return null;
    const timeNs = BigInt(env.timestamp?.seconds ?? '0') * 1_000_000_000n + BigInt(env.timestamp?.nanos ?? 0);
    const url = env.event?.type_url ?? '';
    const type = PAYLOADS.get(url.slice(Math.max(url.lastIndexOf('/'), url.lastIndexOf('.')) + 1));
    let payload: Record<string, unknown> = {};
    if (type && env.event?.value) {
      try {
        payload = type.toObject(type.decode(env.event.value), TO_OBJECT);
      } catch {
        // A payload that does not decode: time and topic are still worth keeping.
      }
    }
    return { timeNs, namespace: env.namespace ?? '', topic: env.topic, payload };
  } catch {
    return null;
  }
}
