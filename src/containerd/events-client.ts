/**
 * containerd's event stream, subscribed to in-process over its gRPC socket (Events/Subscribe,
 * with containerd's own filters), instead of a `ctr events` child: one Go process fewer. Each
 * event is kept as the line `ctr events` prints (parsers/containerd-events.ts eventLine), so the
 * sources, recordings and replays read one format; take() hands over what arrived since the last
 * take. A stream that fails or ends (containerd restarted) is reported once by take() and opened
 * again at the next one.
 *
 * Why not @grpc/grpc-js: its per-message stream machinery cost about 1 ms of CPU per event here
 * under a container-start loop (V8 without TurboFan, as the live view and serve run), as much as
 * a `ctr events` child and our reading of its pipe together. This file speaks the one call it
 * needs over node:http2 (gRPC's framing: a 1-byte compressed flag and a 4-byte big-endian length
 * before each message; no compression is asked for) and reads the stream once per take(): it
 * stays paused in between, so the events of a second cost one wake-up, not one each (0.44 ms
 * an event, measured in the same sitting as grpc-js). While paused, HTTP/2 flow control holds the
 * rest in containerd, which queues events per subscriber: a stalled reader never holds it up, and
 * what waits here is at most one flow-control window. A message that is not an envelope becomes
 * a line no event parser reads, so the starts source counts it unrecognized.
 */
import http2, { type ClientHttp2Session, type ClientHttp2Stream } from 'node:http2';
import net from 'node:net';
import { decodeEnvelope, subscribeRequest } from '../../parsers/containerd-envelope.js';
import { eventLine } from '../../parsers/containerd-events.js';

const METHOD = '/containerd.services.events.v1.Events/Subscribe';

export class EventStream {
  private session: ClientHttp2Session | null = null;
  private stream: ClientHttp2Stream | null = null;
  private buf: Buffer = Buffer.alloc(0);
  private pending: string[] = [];
  private failure: Error | null = null;

  constructor(
    private readonly address: string,
    private readonly filters: string[],
  ) {}

  private open(): void {
    const session = http2.connect('http://localhost', { createConnection: () => net.connect(this.address) });
    const fail = (why: string) => {
      if (this.session !== session) return;
      this.failure = new Error(`containerd's event stream at ${this.address} ${why}`);
      this.close();
    };
    session.on('error', (e: Error) => fail(`failed: ${e.message}`));
    const stream = session.request({ ':method': 'POST', ':path': METHOD, 'content-type': 'application/grpc', te: 'trailers' });
    const body = subscribeRequest(this.filters);
    const head = Buffer.alloc(5);
    head.writeUInt32BE(body.length, 1);
    stream.end(Buffer.concat([head, body]));
    stream.on('response', (h) => {
      if (h[':status'] !== 200) fail(`failed: HTTP status ${h[':status']}`);
      else if (h['grpc-status'] !== undefined && h['grpc-status'] !== '0') fail(`failed: ${h['grpc-message'] ?? `gRPC status ${h['grpc-status']}`}`);
    });
    stream.on('trailers', (t) => {
      if (t['grpc-status'] !== undefined && t['grpc-status'] !== '0') fail(`failed: ${t['grpc-message'] ?? `gRPC status ${t['grpc-status']}`}`);
    });
    stream.on('data', (d: Buffer) => this.data(d));
    stream.on('error', (e: Error) => fail(`failed: ${e.message}`));
    stream.on('close', () => fail('ended'));
    this.session = session;
    this.stream = stream;
  }

  /** Splits the stream's bytes into messages (a message may span chunks). */
  private data(d: Buffer): void {
    let b = this.buf.length ? Buffer.concat([this.buf, d]) : d;
    while (b.length >= 5) {
      const len = b.readUInt32BE(1);
      if (b.length < 5 + len) break;
      const e = b[0] === 0 ? decodeEnvelope(b.subarray(5, 5 + len)) : null;
      this.pending.push(e ? eventLine(e) : `undecodable containerd event envelope (${len} bytes)`);
      b = b.subarray(5 + len);
    }
    this.buf = b.length ? Buffer.from(b) : Buffer.alloc(0);
  }

  /**
   * The lines that arrived since the last take (opening the stream on the first); rejects with
   * what ended it. Lets HTTP/2 hand over what it holds for the stream, then pauses it again.
   */
  async take(): Promise<string> {
    if (this.failure) {
      const f = this.failure;
      this.failure = null;
      throw f;
    }
    if (!this.stream) this.open();
    const s = this.stream!;
    s.resume();
    // Buffered data flows as the stream resumes; what the socket holds comes in this turn's I/O.
    await new Promise((r) => setImmediate(r));
    if (this.stream === s) s.pause();
    const lines = this.pending;
    this.pending = [];
    return lines.length ? `${lines.join('\n')}\n` : '';
  }

  close(): void {
    const stream = this.stream;
    const session = this.session;
    this.stream = null;
    this.session = null;
    this.buf = Buffer.alloc(0);
    stream?.close(http2.constants.NGHTTP2_CANCEL);
    session?.close();
    session?.destroy();
  }
}
