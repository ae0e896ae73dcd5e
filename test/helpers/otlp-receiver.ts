/**
 * A loopback OTLP/HTTP trace receiver (node:http on 127.0.0.1): it keeps each POST to /v1/traces
 * as the OTLP spec's JSON ExportTraceServiceRequest (the encoding the OTLP/HTTP JS exporter sends;
 * a protobuf body is kept undecoded and counted, so a test expecting JSON fails on it), and answers
 * each request with the next status of `statuses` (then 200).
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';

export interface OtlpKeyValue {
  key: string;
  value: { stringValue?: string; intValue?: string | number; doubleValue?: number; boolValue?: boolean };
}
export interface OtlpSpan {
  traceId: string;
  spanId: string;
  parentSpanId?: string;
  name: string;
  kind: number;
  startTimeUnixNano: string;
  endTimeUnixNano: string;
  attributes: OtlpKeyValue[];
}
export interface OtlpRequest {
  resourceSpans: Array<{ resource: { attributes: OtlpKeyValue[] }; scopeSpans: Array<{ scope: { name: string; version?: string }; spans: OtlpSpan[] }> }>;
}

export interface Received {
  path: string;
  contentType: string;
  status: number;
  body?: OtlpRequest;
}

export class OtlpReceiver {
  readonly requests: Received[] = [];
  private server?: http.Server;
  constructor(private readonly statuses: number[] = []) {}

  async start(): Promise<string> {
    this.server = http.createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const status = this.statuses.shift() ?? 200;
        const contentType = String(req.headers['content-type'] ?? '');
        const raw = Buffer.concat(chunks);
        this.requests.push({ path: req.url ?? '', contentType, status, body: contentType.includes('json') ? (JSON.parse(raw.toString('utf8')) as OtlpRequest) : undefined });
        res.writeHead(status, { 'content-type': 'application/json' });
        res.end(status === 200 ? '{}' : '{"code":14,"message":"unavailable"}');
      });
    });
    await new Promise<void>((r) => this.server!.listen(0, '127.0.0.1', r));
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  /** Every span the receiver accepted (status 200), with its resource's attributes. */
  spans(): Array<OtlpSpan & { resource: Record<string, unknown> }> {
    return this.requests
      .filter((r) => r.status === 200 && r.body)
      .flatMap((r) => r.body!.resourceSpans.flatMap((rs) => rs.scopeSpans.flatMap((ss) => ss.spans.map((s) => ({ ...s, resource: attrs(rs.resource.attributes) })))));
  }

  async stop(): Promise<void> {
    this.server?.closeAllConnections();
    await new Promise<void>((r) => (this.server ? this.server.close(() => r()) : r()));
  }
}

/** OTLP key-values as a plain object. */
export function attrs(kv: OtlpKeyValue[]): Record<string, unknown> {
  return Object.fromEntries(kv.map(({ key, value }) => [key, value.stringValue ?? (value.intValue !== undefined ? Number(value.intValue) : (value.doubleValue ?? value.boolValue))]));
}

/** A port nothing listens on: one the kernel just handed out and that was closed again. */
export async function closedPort(): Promise<string> {
  const s = http.createServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
  const port = (s.address() as AddressInfo).port;
  await new Promise<void>((r) => s.close(() => r()));
  return `http://127.0.0.1:${port}`;
}
