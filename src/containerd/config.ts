/**
 * Where containerd serves pprof and metrics, read from its own config: the file named by its
 * command line (`--config PATH`, `-c PATH`, `--config=PATH`), else /etc/containerd/config.toml.
 *
 *   [debug]
 *     address = "/run/containerd/debug.sock"
 *   [metrics]
 *     address = "127.0.0.1:1338"
 *     grpc_histogram = true
 */
import { readFileSync } from 'node:fs';
import { parse } from 'smol-toml';

export const DEFAULT_CONFIG = '/etc/containerd/config.toml';

export interface ContainerdConfig {
  /** The file read, or the default path when containerd runs without one. */
  path: string;
  /** False when the file does not exist (containerd then runs on its defaults). */
  exists: boolean;
  debugAddress?: string;
  metricsAddress?: string;
  grpcHistogram?: boolean;
  /** Why the file could not be read or parsed, when it could not. */
  problem?: string;
}

/** The config path on a containerd command line (argv as in /proc/PID/cmdline). */
export function configPathFromArgs(args: string[]): string {
  for (let i = 1; i < args.length; i++) {
    const a = args[i]!;
    if ((a === '--config' || a === '-c' || a === '-config') && args[i + 1]) return args[i + 1]!;
    const m = /^--?(?:config|c)=(.+)$/.exec(a);
    if (m) return m[1]!;
  }
  return DEFAULT_CONFIG;
}

/** Reads the parts of a containerd config ctrscope uses from TOML text. Never throws. */
export function parseContainerdConfig(text: string, path: string): ContainerdConfig {
  let doc: Record<string, unknown>;
  try {
    doc = parse(text) as Record<string, unknown>;
  } catch (e) {
    return { path, exists: true, problem: `not valid TOML: ${(e as Error).message.split('\n')[0]}` };
  }
  const table = (k: string) => (typeof doc[k] === 'object' && doc[k] !== null ? (doc[k] as Record<string, unknown>) : {});
  const str = (v: unknown) => (typeof v === 'string' && v.length > 0 ? v : undefined);
  const debug = table('debug');
  const metrics = table('metrics');
  return {
    path,
    exists: true,
    debugAddress: str(debug.address),
    metricsAddress: str(metrics.address),
    grpcHistogram: typeof metrics.grpc_histogram === 'boolean' ? metrics.grpc_histogram : undefined,
  };
}

export function readContainerdConfig(path: string): ContainerdConfig {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') return { path, exists: false };
    return { path, exists: false, problem: `cannot read it (${code ?? (e as Error).message})` };
  }
  return parseContainerdConfig(text, path);
}
