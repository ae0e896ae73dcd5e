/**
 * `ctrscope doctor`'s checks: each says ok, or what is wrong and the one command that fixes it.
 * Built from src/host/features.ts (kernel), the tools' versions, and containerd's sockets.
 */
import { statSync } from 'node:fs';
import { connect } from 'node:net';
import type { ExitCodeName } from '../errors.js';
import { configPathFromArgs, readContainerdConfig } from '../containerd/config.js';
import { metricsUrlFromAddress } from '../containerd/endpoints.js';
import { discover } from '../targets/discover.js';
import { cmdline } from '../targets/procfs.js';
import { ctrPlugins } from '../runner/ctr.js';
import { tracingPluginCheck } from './doctor-tracing.js';
import type { Feature, KernelFeatures, ToolInfo } from './features.js';

export type CheckStatus = 'ok' | 'warn' | 'fail';

export interface Check {
  name: string;
  status: CheckStatus;
  detail: string;
  fix?: string;
  /** The exit code a failing check maps to. */
  kind?: ExitCodeName;
}

/** A feature: fail when essential, warn when ctrscope works around it (ladders, null counters). */
function fromFeature(name: string, f: Feature, essential: boolean, kind: ExitCodeName = 'kernelFeature'): Check {
  if (f.ok === true) return { name, status: 'ok', detail: f.detail };
  return { name, status: essential && f.ok === false ? 'fail' : 'warn', detail: f.detail, fix: f.fix, kind };
}

const FALLBACK_NOTE: Partial<Record<keyof KernelFeatures, string>> = {
  kprobes: 'vfs-latency falls back to kfunc, then syscall tracepoints',
  kfunc: 'vfs-latency falls back to syscall tracepoints',
  hwCounters: 'sched reports cache-misses and cache-references as not supported (null)',
};

export function kernelChecks(k: KernelFeatures, root: boolean): Check[] {
  const note = (key: keyof KernelFeatures, c: Check): Check => (c.status !== 'ok' && FALLBACK_NOTE[key] ? { ...c, detail: `${c.detail}; ${FALLBACK_NOTE[key]}` } : c);
  // As root, ctrscope mounts tracefs and debugfs itself before a bpftrace probe.
  const mountable = (c: Check): Check => (c.status === 'fail' && root ? { ...c, status: 'warn' } : c);
  return [
    mountable(fromFeature('tracefs', k.tracefs, true)),
    mountable(fromFeature('debugfs', k.debugfs, false)),
    note('kprobes', fromFeature('kprobes', k.kprobes, false)),
    note('kfunc', fromFeature('kfunc', k.kfunc, false)),
    fromFeature('tracepoints', k.tracepoints, true),
    fromFeature('uprobes', k.uprobes, false),
    fromFeature('BTF', k.btf, false),
    note('hwCounters', fromFeature('hardware counters', k.hwCounters, false)),
    fromFeature('perf_event_paranoid', k.perfEventParanoid, !root),
    fromFeature('lockdown', k.lockdown, true),
  ];
}

/** bpftrace, perf and setpriv are needed by the default probes; strace only on request. */
const ESSENTIAL_TOOLS = new Set(['bpftrace', 'perf', 'setpriv']);

export function toolChecks(tools: ToolInfo[]): Check[] {
  return tools.map((t) =>
    t.path
      ? { name: t.tool, status: 'ok', detail: `${t.version ?? 'version unknown'} (${t.path})` }
      : { name: t.tool, status: ESSENTIAL_TOOLS.has(t.tool) ? 'fail' : 'warn', detail: 'not installed', fix: `apt-get install ${t.pkg}`, kind: 'missingTool' },
  );
}

/** Whether something accepts a connection (a Unix socket path, or host:port), within ms. */
export function canConnect(target: { path: string } | { host: string; port: number }, ms = 1000): Promise<boolean> {
  return new Promise((resolve) => {
    const s = 'path' in target ? connect(target.path) : connect(target.port, target.host);
    const done = (ok: boolean) => {
      s.destroy();
      resolve(ok);
    };
    s.setTimeout(ms, () => done(false));
    s.once('connect', () => done(true));
    s.once('error', () => done(false));
  });
}

function isSocket(path: string): boolean {
  try {
    return statSync(path).isSocket();
  } catch {
    return false;
  }
}

const CONTAINERD_SOCK = '/run/containerd/containerd.sock';

export async function containerdChecks(): Promise<Check[]> {
  const c = discover().containerd[0];
  if (!c) {
    return [{ name: 'containerd', status: 'fail', detail: 'no containerd process is running', fix: 'containerd & (or: systemctl start containerd)', kind: 'containerd' }];
  }
  const args = cmdline(c.pid) ?? [];
  const cfg = readContainerdConfig(configPathFromArgs(args));
  const sock = c.address ?? CONTAINERD_SOCK;
  const out: Check[] = [];
  const sockOk = isSocket(sock) && (await canConnect({ path: sock }));
  out.push(
    sockOk
      ? { name: 'containerd socket', status: 'ok', detail: `${sock} accepts connections (containerd pid ${c.pid})` }
      : { name: 'containerd socket', status: 'fail', detail: `${sock} does not accept connections (containerd pid ${c.pid})`, fix: 'restart containerd (systemctl restart containerd)', kind: 'containerd' },
  );
  out.push(tracingPluginCheck(await ctrPlugins(c.address), cfg.path));
  if (cfg.problem) out.push({ name: 'containerd config', status: 'warn', detail: `${cfg.path}: ${cfg.problem}`, fix: `fix ${cfg.path}` });
  const where = cfg.exists ? cfg.path : `${cfg.path} (absent)`;
  if (!cfg.debugAddress) {
    out.push({ name: 'debug socket', status: 'warn', detail: `no [debug] address in ${where}: pprof probes (goroutines, go-cpu, heap) cannot run`, fix: `add [debug] address = "/run/containerd/debug.sock" to ${cfg.path}, then restart containerd` });
  } else {
    const ok = isSocket(cfg.debugAddress) && (await canConnect({ path: cfg.debugAddress }));
    out.push(ok ? { name: 'debug socket', status: 'ok', detail: `${cfg.debugAddress} accepts connections` } : { name: 'debug socket', status: 'warn', detail: `${cfg.debugAddress} is set in ${where} but does not accept connections`, fix: 'restart containerd so it reads its config' });
  }
  if (!cfg.metricsAddress) {
    out.push({ name: 'metrics address', status: 'warn', detail: `no [metrics] address in ${where}: grpc-latency cannot run`, fix: `add [metrics] address = "127.0.0.1:1338" and grpc_histogram = true to ${cfg.path}, then restart containerd` });
  } else {
    const url = metricsUrlFromAddress(cfg.metricsAddress);
    const u = url ? new URL(url) : null;
    const ok = u ? await canConnect({ host: u.hostname.replace(/^\[|\]$/g, ''), port: Number(u.port) }) : false;
    out.push(
      ok
        ? { name: 'metrics address', status: 'ok', detail: `${url} accepts connections${cfg.grpcHistogram ? '' : ' (grpc_histogram is off: no latency buckets)'}` }
        : { name: 'metrics address', status: 'warn', detail: `${cfg.metricsAddress} is set in ${where} but nothing listens there`, fix: 'restart containerd so it reads its config' },
    );
  }
  return out;
}
