/** HTTP GET to containerd over its debug Unix socket or its metrics TCP address, with Node's own http. */
import http from 'node:http';
import https from 'node:https';
import { CtrscopeError } from '../errors.js';

export interface GetOptions {
  /** Milliseconds before giving up (a CPU profile needs its seconds plus this). */
  timeoutMs?: number;
  /** Largest body accepted, in bytes. */
  maxBytes?: number;
  /** Aborting it ends the request with that reason. */
  signal?: AbortSignal;
}

const MAX_BYTES = 256 * 1024 * 1024;

/** GET http://localhost{path} through a Unix socket. */
export function getUnix(socketPath: string, path: string, o: GetOptions = {}): Promise<Buffer> {
  return request(http, { socketPath, path, host: 'localhost' }, `${socketPath} ${path}`, o);
}

/** GET an http(s) URL. */
export function getUrl(url: string, o: GetOptions = {}): Promise<Buffer> {
  const u = new URL(url);
  return request(u.protocol === 'https:' ? https : http, { host: u.hostname.replace(/^\[|\]$/g, ''), port: u.port || undefined, path: u.pathname + u.search }, url, o);
}

function request(mod: typeof http | typeof https, opts: http.RequestOptions, what: string, o: GetOptions): Promise<Buffer> {
  const timeoutMs = o.timeoutMs ?? 10_000;
  const maxBytes = o.maxBytes ?? MAX_BYTES;
  return new Promise((resolve, reject) => {
    const req = mod.request({ ...opts, method: 'GET', headers: { 'accept-encoding': 'identity' } }, (res) => {
      const chunks: Buffer[] = [];
      let size = 0;
      res.on('data', (c: Buffer) => {
        size += c.length;
        if (size > maxBytes) {
          req.destroy();
          reject(new CtrscopeError('containerd', `${what} answered more than ${maxBytes} bytes`, 'this is not containerd\'s endpoint, or it is misbehaving'));
          return;
        }
        chunks.push(c);
      });
      res.on('end', () => {
        const body = Buffer.concat(chunks);
        if (res.statusCode !== 200) {
          const first = body.toString('utf8', 0, 200).split('\n')[0]!.trim();
          reject(new CtrscopeError('containerd', `${what} answered HTTP ${res.statusCode}${first ? `: ${first}` : ''}`, 'check that this is containerd\'s debug socket or metrics address'));
        } else resolve(body);
      });
      res.on('error', (e) => reject(connError(what, e)));
    });
    req.setTimeout(timeoutMs, () => req.destroy(Object.assign(new Error('timed out'), { code: 'ETIMEDOUT' })));
    o.signal?.addEventListener('abort', () => req.destroy(o.signal!.reason instanceof Error ? o.signal!.reason : new Error('aborted')), { once: true });
    req.on('error', (e) => reject(connError(what, e)));
    req.end();
  });
}

function connError(what: string, e: NodeJS.ErrnoException): CtrscopeError {
  if (e instanceof CtrscopeError) return e;
  const why: Record<string, string> = {
    ECONNREFUSED: 'nothing listens there',
    ENOENT: 'no such socket',
    EACCES: 'permission denied (run as root)',
    ETIMEDOUT: 'no answer in time',
    ECONNRESET: 'the connection was reset',
  };
  return new CtrscopeError('containerd', `cannot reach ${what}: ${why[e.code ?? ''] ?? e.message}`, 'check that containerd is running with its debug socket / metrics address on');
}
