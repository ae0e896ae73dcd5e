import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { configPathFromArgs, parseContainerdConfig } from '../../src/containerd/config.js';
import { metricsUrlFromAddress, metricsUrlSchema, socketPathSchema } from '../../src/containerd/endpoints.js';

const SETUP = readFileSync(new URL('../../scripts/setup.sh', import.meta.url), 'utf8');

describe("containerd's config", () => {
  it('reads the addresses from the config scripts/setup.sh writes', () => {
    const toml = /cat > "\$CONF" <<TOML\n([\s\S]*?)\nTOML/.exec(SETUP)![1]!;
    expect(parseContainerdConfig(toml, '/x')).toEqual({ path: '/x', exists: true, debugAddress: '/run/containerd/debug.sock', metricsAddress: '127.0.0.1:1338', grpcHistogram: true });
  });
  it('reads dotted keys and says when the TOML is broken', () => {
    expect(parseContainerdConfig('debug.address = "/d.sock"\n', '/x').debugAddress).toBe('/d.sock');
    expect(parseContainerdConfig('[debug\naddress=', '/x').problem).toMatch(/not valid TOML/);
    expect(parseContainerdConfig('version = 2\n', '/x')).toMatchObject({ debugAddress: undefined, metricsAddress: undefined });
  });
  it('finds --config on the command line in every spelling', () => {
    expect(configPathFromArgs(['containerd', '--config', '/etc/ctrscope/containerd.toml'])).toBe('/etc/ctrscope/containerd.toml');
    expect(configPathFromArgs(['containerd', '-c', '/a.toml'])).toBe('/a.toml');
    expect(configPathFromArgs(['containerd', '--config=/b.toml'])).toBe('/b.toml');
    expect(configPathFromArgs(['/usr/bin/containerd'])).toBe('/etc/containerd/config.toml');
  });
  it('turns the metrics address into a URL on this host', () => {
    expect(metricsUrlFromAddress('127.0.0.1:1338')).toBe('http://127.0.0.1:1338/v1/metrics');
    expect(metricsUrlFromAddress(':1338')).toBe('http://127.0.0.1:1338/v1/metrics');
    expect(metricsUrlFromAddress('0.0.0.0:1338')).toBe('http://127.0.0.1:1338/v1/metrics');
    expect(metricsUrlFromAddress('[::]:1338')).toBe('http://[::1]:1338/v1/metrics');
    expect(metricsUrlFromAddress('nonsense')).toBeUndefined();
  });
  it('validates the flags', () => {
    expect(metricsUrlSchema.parse('http://127.0.0.1:1338')).toBe('http://127.0.0.1:1338/v1/metrics');
    expect(metricsUrlSchema.safeParse('ftp://x/').success).toBe(false);
    expect(metricsUrlSchema.safeParse('http://user:pw@x/').success).toBe(false);
    expect(metricsUrlSchema.safeParse('not a url').success).toBe(false);
    expect(socketPathSchema.safeParse('relative.sock').success).toBe(false);
    expect(socketPathSchema.safeParse('/run/containerd/debug.sock').success).toBe(true);
  });
});
