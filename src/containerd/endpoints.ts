/**
 * Finds containerd's debug socket (pprof) and metrics URL: from the flags when given, else from
 * the config of the running containerd. Each failure says how to turn the endpoint on.
 */
import { statSync } from 'node:fs';
import { z } from 'zod';
import { CtrscopeError } from '../errors.js';
import { parseOption } from '../validate.js';
import { cmdline } from '../targets/procfs.js';
import { discover } from '../targets/discover.js';
import { configPathFromArgs, readContainerdConfig, type ContainerdConfig } from './config.js';

/** `--debug-socket`: an absolute path without NUL or newline. */
export const socketPathSchema = z
  .string()
  .regex(/^\/[^\0\n]{0,4000}$/, 'give the absolute path of a Unix socket, such as /run/containerd/debug.sock');

/** `--metrics-url`: an http(s) URL; a bare origin gets containerd's path /v1/metrics. */
export const metricsUrlSchema = z
  .string()
  .max(2000)
  .refine((s) => {
    try {
      const u = new URL(s);
      return (u.protocol === 'http:' || u.protocol === 'https:') && u.hostname.length > 0 && !u.username && !u.password;
    } catch {
      return false;
    }
  }, 'give an http URL such as http://127.0.0.1:1338/v1/metrics')
  .transform((s) => {
    const u = new URL(s);
    if (u.pathname === '/' || u.pathname === '') u.pathname = '/v1/metrics';
    return u.toString();
  });

/** containerd's `[metrics] address` ("127.0.0.1:1338", ":1338", "[::]:1338") → a URL to scrape. */
export function metricsUrlFromAddress(address: string): string | undefined {
  const m = /^(\[[0-9a-fA-F:.]*\]|[^:\s/]*):(\d{1,5})$/.exec(address.trim());
  if (!m) return undefined;
  let host = m[1]!;
  if (host === '' || host === '0.0.0.0') host = '127.0.0.1';
  if (host === '[::]' || host === '[]') host = '[::1]';
  return `http://${host}:${m[2]}/v1/metrics`;
}

/** The config of the running containerd (the oldest one, if several), or null when none runs. */
export function runningConfig(): { pid: number; config: ContainerdConfig } | null {
  const c = discover().containerd[0];
  if (!c) return null;
  return { pid: c.pid, config: readContainerdConfig(configPathFromArgs(cmdline(c.pid) ?? [])) };
}

const notRunning = (flag: string) => new CtrscopeError('containerd', 'containerd is not running', `start it, or pass ${flag}`);

export function debugSocket(flag?: string): string {
  const path = flag !== undefined ? parseOption(socketPathSchema, flag, '--debug-socket') : fromConfig();
  let isSocket = false;
  try {
    isSocket = statSync(path).isSocket();
  } catch {
    throw new CtrscopeError('containerd', `no debug socket at ${path}`, flag !== undefined ? 'check the path' : 'containerd may still be starting; check its log');
  }
  if (!isSocket) throw new CtrscopeError('containerd', `${path} is not a Unix socket`, 'pass containerd\'s [debug] address with --debug-socket');
  return path;

  function fromConfig(): string {
    const r = runningConfig();
    if (!r) throw notRunning('--debug-socket PATH');
    const { config } = r;
    if (config.problem) throw new CtrscopeError('containerd', `containerd's config ${config.path}: ${config.problem}`, 'pass --debug-socket PATH');
    if (!config.debugAddress) {
      throw new CtrscopeError(
        'containerd',
        `containerd (pid ${r.pid}) has no debug socket: ${config.exists ? config.path : 'its config'} sets no [debug] address`,
        `add [debug] address = "/run/containerd/debug.sock" to ${config.path} and restart containerd when convenient, or pass --debug-socket PATH`,
      );
    }
    return config.debugAddress;
  }
}

export function metricsUrl(flag?: string): string {
  if (flag !== undefined) return parseOption(metricsUrlSchema, flag, '--metrics-url');
  const r = runningConfig();
  if (!r) throw notRunning('--metrics-url URL');
  const { config } = r;
  if (config.problem) throw new CtrscopeError('containerd', `containerd's config ${config.path}: ${config.problem}`, 'pass --metrics-url URL');
  const hint = `add [metrics] address = "127.0.0.1:1338" and grpc_histogram = true to ${config.path} and restart containerd when convenient, or pass --metrics-url URL`;
  if (!config.metricsAddress) throw new CtrscopeError('containerd', `containerd (pid ${r.pid}) serves no metrics: ${config.exists ? config.path : 'its config'} sets no [metrics] address`, hint);
  const url = metricsUrlFromAddress(config.metricsAddress);
  if (!url) throw new CtrscopeError('containerd', `containerd's [metrics] address ${JSON.stringify(config.metricsAddress)} is not host:port`, 'pass --metrics-url URL');
  return url;
}

/** Whether the running config turned gRPC histograms on (undefined when unknown). */
export function grpcHistogramOn(): boolean | undefined {
  return runningConfig()?.config.grpcHistogram;
}
