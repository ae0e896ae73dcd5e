/**
 * containerd's event stream, subscribed to in-process over its gRPC socket (Events/Subscribe,
 * with containerd's own filters), instead of a `ctr events` child: one Go process fewer, whose
 * runtime and formatting cost 0.7% of a core under a container-start loop here. Each event is
 * kept as the line `ctr events` prints (parsers/containerd-events.ts eventLine), so the sources,
 * recordings and replays read one format; take() hands over what arrived since the last take.
 * A stream that fails or ends (containerd restarted) is reported once by take() and opened again
 * at the next one. containerd queues events per subscriber, so a stalled reader here never holds
 * containerd up; what this side keeps waiting is bounded (MAX_PENDING lines).
 */
import { Client, credentials, Metadata, type ClientReadableStream } from '@grpc/grpc-js';
import { decodeEnvelope, subscribeRequest } from '../../parsers/containerd-envelope.js';
import { eventLine, type ContainerdEvent } from '../../parsers/containerd-events.js';

const METHOD = '/containerd.services.events.v1.Events/Subscribe';
/** Lines kept between two takes at most; more are counted as dropped. */
const MAX_PENDING = 50_000;

export class EventStream {
  private client: Client | null = null;
  private call: ClientReadableStream<ContainerdEvent | null> | null = null;
  private pending: string[] = [];
  private failure: Error | null = null;
  /** Envelopes that did not decode, and lines not kept because take() was late. */
  undecoded = 0;
  dropped = 0;

  constructor(
    private readonly address: string,
    private readonly filters: string[],
  ) {}

  private open(): void {
    const client = new Client(`unix://${this.address}`, credentials.createInsecure());
    const call = client.makeServerStreamRequest<Uint8Array, ContainerdEvent | null>(
      METHOD,
      (req) => Buffer.from(req),
      (bytes) => decodeEnvelope(bytes),
      subscribeRequest(this.filters),
      new Metadata(),
      {},
    );
    call.on('data', (e: ContainerdEvent | null) => {
      if (!e) this.undecoded++;
      else if (this.pending.length >= MAX_PENDING) this.dropped++;
      else this.pending.push(eventLine(e));
    });
    const ended = (why: string) => {
      if (this.call !== call) return;
      this.failure = new Error(`containerd's event stream at ${this.address} ${why}`);
      this.close();
    };
    call.on('error', (e: Error & { details?: string }) => ended(`failed: ${e.details || e.message}`));
    call.on('end', () => ended('ended'));
    this.client = client;
    this.call = call;
  }

  /** The lines that arrived since the last take (opening the stream on the first); throws what ended it. */
  take(): string {
    if (this.failure) {
      const f = this.failure;
      this.failure = null;
      throw f;
    }
    if (!this.call) this.open();
    const lines = this.pending;
    this.pending = [];
    return lines.length ? `${lines.join('\n')}\n` : '';
  }

  close(): void {
    const call = this.call;
    const client = this.client;
    this.call = null;
    this.client = null;
    call?.cancel();
    client?.close();
  }
}
