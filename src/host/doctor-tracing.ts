/**
 * doctor's check of containerd's own tracing: whether its build has the OTLP tracing plugins
 * (`ctr plugins ls` lists io.containerd.tracing.processor.v1 otlp and io.containerd.internal.v1
 * tracing), and, when it has, the config that turns them on. Pure: it reads ctr's output.
 */
/** A doctor check (src/host/doctor-checks.ts's Check, without importing it back). */
export interface TracingCheck {
  name: string;
  status: 'ok' | 'warn';
  detail: string;
  fix?: string;
}

export const TRACING_CONFIG = [
  '[plugins."io.containerd.tracing.processor.v1.otlp"]',
  '  endpoint = "http://localhost:4318"',
  '  protocol = "http/protobuf"',
  '[plugins."io.containerd.internal.v1.tracing"]',
  '  sampling_ratio = 1.0',
  '  service_name = "containerd"',
].join('\n');

const OURS = 'ctrscope --probe container-start --otlp-endpoint URL sends each start, phase by phase, as a trace';

/** From `ctr plugins ls` (its exit code and output) and the path of containerd's config. */
export function tracingPluginCheck(plugins: { code: number; stdout: string; stderr: string }, configPath: string): TracingCheck {
  if (plugins.code !== 0) {
    return { name: 'containerd tracing', status: 'warn', detail: `ctr plugins ls failed: ${plugins.stderr.trim().split('\n').at(-1) ?? `exit ${plugins.code}`}; ${OURS}` };
  }
  const rows = plugins.stdout.split('\n').map((l) => l.trim().split(/\s+/)).filter((f) => f.length >= 3 && f[0]!.startsWith('io.containerd.'));
  const tracing = rows.filter((f) => f[0]!.startsWith('io.containerd.tracing.') || (f[0] === 'io.containerd.internal.v1' && f[1] === 'tracing'));
  if (tracing.length === 0) {
    return { name: 'containerd tracing', status: 'warn', detail: `this containerd's build has no tracing plugin (no io.containerd.tracing.* in ctr plugins ls); ${OURS}` };
  }
  const otlp = tracing.find((f) => f[0]!.startsWith('io.containerd.tracing.processor') && f[1] === 'otlp');
  const status = otlp?.at(-1);
  if (otlp && status === 'ok') return { name: 'containerd tracing', status: 'ok', detail: 'the otlp tracing processor is loaded: containerd sends its gRPC spans itself' };
  const fix = `add to ${configPath}, then restart containerd:\n${TRACING_CONFIG}`;
  return { name: 'containerd tracing', status: 'warn', detail: `this containerd has the tracing plugins but ${otlp ? `the otlp processor is ${status}` : 'no otlp processor'} (not configured)`, fix };
}
