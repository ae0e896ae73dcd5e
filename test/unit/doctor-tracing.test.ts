/** doctor's containerd-tracing check on the real `ctr plugins ls` of this host's containerd. */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { TRACING_CONFIG, tracingPluginCheck } from '../../src/host/doctor-tracing.js';

const real = readFileSync(new URL('../../fixtures/containerd/ctr-plugins-ls.txt', import.meta.url), 'utf8');
const ok = (stdout: string) => ({ code: 0, stdout, stderr: '' });

describe('containerd tracing plugin', () => {
  it("Debian's 1.6.20 build has none: says so and points at --otlp-endpoint", () => {
    expect(real).toMatch(/io\.containerd\.grpc\.v1\s+containers/);
    const c = tracingPluginCheck(ok(real), '/etc/containerd/config.toml');
    expect(c.status).toBe('warn');
    expect(c.detail).toMatch(/no tracing plugin/);
    expect(c.detail).toMatch(/--otlp-endpoint/);
    expect(c.fix).toBeUndefined();
  });

  // Hand-written: the two rows an upstream build adds (no such build on this host).
  const withTracing = (status: string) => `${real}io.containerd.tracing.processor.v1    otlp    -    ${status}\nio.containerd.internal.v1    tracing    -    ok\n`;
  it('a build with the plugins but the otlp processor skipped: the config that turns it on', () => {
    const c = tracingPluginCheck(ok(withTracing('skip')), '/etc/containerd/config.toml');
    expect(c.status).toBe('warn');
    expect(c.detail).toMatch(/otlp processor is skip/);
    expect(c.fix).toContain('/etc/containerd/config.toml');
    expect(c.fix).toContain(TRACING_CONFIG);
    expect(TRACING_CONFIG).toMatch(/^\[plugins\."io\.containerd\.tracing\.processor\.v1\.otlp"\]$/m);
  });

  it('loaded: ok', () => {
    expect(tracingPluginCheck(ok(withTracing('ok')), '/x.toml').status).toBe('ok');
  });

  it('ctr failing is a warning that says why', () => {
    const c = tracingPluginCheck({ code: 1, stdout: '', stderr: 'ctr: failed to dial "/run/containerd/containerd.sock"\n' }, '/x.toml');
    expect(c).toMatchObject({ status: 'warn', detail: expect.stringMatching(/failed to dial/) });
  });
});
