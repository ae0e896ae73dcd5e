/**
 * serve's HTTP side: the --listen address (validated with zod), and a node:http server that
 * answers GET /metrics and GET /healthz and nothing else. Bound before any tracer starts, so a
 * busy, privileged or foreign address is one line and no tracer ever ran. Guarded against
 * scrapers that misbehave: a client that never reads its answer, or never finishes its request,
 * is cut off after IDLE_MS without progress; at most MAX_CONNECTIONS at once. The answer is
 * written once, from memory, and never waits on the tracers (they are drained by their own
 * thread, whatever the scrapers do).
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { isIP, type Socket } from 'node:net';
import { z } from 'zod';
import { CtrscopeError } from '../errors.js';
import { parseOption } from '../validate.js';

export const DEFAULT_LISTEN = '127.0.0.1:9464';
const MAX_CONNECTIONS = 32;
const IDLE_MS = 10_000;

export interface ListenAddress {
  host: string;
  port: number;
}

/** HOST:PORT with HOST an IPv4 address, [IPv6] or localhost, PORT 0..65535 (0: any free port). */
export const listenSchema = z
  .string()
  .max(64, 'an address is at most 64 characters')
  .regex(/^(\[[0-9A-Fa-f:.]+\]|[0-9.]+|localhost):\d{1,5}$/, 'give HOST:PORT, HOST an IP address or localhost: 127.0.0.1:9464, [::1]:9464, 0.0.0.0:9464')
  .transform((s, ctx): ListenAddress => {
    const at = s.lastIndexOf(':');
    const host = s.slice(0, at).replace(/^\[(.*)\]$/, '$1');
    const port = Number(s.slice(at + 1));
    if (host !== 'localhost' && isIP(host) === 0) ctx.addIssue({ code: 'custom', message: `${host} is not an IP address` });
    if (port > 65535) ctx.addIssue({ code: 'custom', message: 'a port is at most 65535' });
    return { host, port };
  });

export const parseListen = (v: string) => parseOption(listenSchema, v, '--listen');

export const showAddress = (a: ListenAddress) => (a.host.includes(':') ? `[${a.host}]:${a.port}` : `${a.host}:${a.port}`);

export type Handler = (req: IncomingMessage, res: ServerResponse) => Promise<void> | void;

/** One line for each way binding fails that a person can fix. */
function bindError(e: NodeJS.ErrnoException, a: ListenAddress): CtrscopeError {
  const at = showAddress(a);
  switch (e.code) {
    case 'EADDRINUSE':
      return new CtrscopeError('usage', `--listen ${at}: the port is already in use`, 'stop what listens there, or choose another port with --listen HOST:PORT');
    case 'EACCES':
    case 'EPERM':
      return new CtrscopeError('usage', `--listen ${at}: no permission to listen on port ${a.port}`, 'ports below 1024 need CAP_NET_BIND_SERVICE; choose a port from 1024 up');
    case 'EADDRNOTAVAIL':
      return new CtrscopeError('usage', `--listen ${at}: ${a.host} is not an address of this host`, 'use 127.0.0.1, 0.0.0.0 or an address from `ip addr`');
    default:
      return new CtrscopeError('usage', `--listen ${at}: cannot listen (${e.code ?? e.message})`, 'choose another address with --listen HOST:PORT');
  }
}

/** Listens on the address; resolves with the server and the port it got (for port 0). */
export function listen(a: ListenAddress, handler: Handler): Promise<{ server: Server; port: number }> {
  const server = createServer({ requestTimeout: IDLE_MS, headersTimeout: IDLE_MS / 2, keepAliveTimeout: 5000 }, (req, res) => {
    Promise.resolve(handler(req, res)).catch((e: Error) => {
      if (!res.headersSent) res.writeHead(500, { 'content-type': 'text/plain' });
      res.end(`internal error: ${e.message}\n`);
    });
  });
  server.maxConnections = MAX_CONNECTIONS;
  // A connection that sends nothing for IDLE_MS is cut off (node's socket timeout).
  server.setTimeout(IDLE_MS, (socket) => socket.destroy());
  // A scraper that stopped reading: node's socket timeout does not fire while answers wait to be
  // written (seen on Node 20), so connections whose pending output has not moved for IDLE_MS
  // are cut off here.
  const pending = new Map<Socket, { left: number; since: number }>();
  server.on('connection', (socket) => {
    pending.set(socket, { left: 0, since: Date.now() });
    socket.once('close', () => pending.delete(socket));
  });
  const sweep = setInterval(() => {
    const now = Date.now();
    for (const [socket, p] of pending) {
      const left = socket.writableLength;
      if (left === 0 || left !== p.left) pending.set(socket, { left, since: now });
      else if (now - p.since >= IDLE_MS) socket.destroy();
    }
  }, 1000);
  sweep.unref();
  server.once('close', () => clearInterval(sweep));
  return new Promise((resolve, reject) => {
    server.once('error', (e: NodeJS.ErrnoException) => reject(bindError(e, a)));
    server.listen({ host: a.host, port: a.port, exclusive: true }, () => {
      server.removeAllListeners('error');
      // Later socket errors (a client reset) are the client's business.
      server.on('error', () => undefined);
      const addr = server.address();
      resolve({ server, port: typeof addr === 'object' && addr ? addr.port : a.port });
    });
  });
}

/** Stops accepting and closes every connection, idle or not. */
export function closeServer(server: Server): Promise<void> {
  return new Promise((resolve) => {
    server.close(() => resolve());
    server.closeAllConnections();
  });
}
