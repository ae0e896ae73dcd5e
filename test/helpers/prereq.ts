/**
 * Host prerequisites for integration tests. Outside CI a missing one skips the test with a reason;
 * with CI=true it fails: CI must have set everything up (scripts/setup.sh).
 */
import { existsSync, readFileSync } from 'node:fs';
import { execFileSync } from 'node:child_process';

export type Prereq = 'root' | 'bpftrace' | 'perf' | 'strace' | 'containerd' | 'tracefs' | 'image' | 'debug-socket' | 'metrics';

const onPath = (t: string) => (process.env.PATH ?? '').split(':').some((d) => d && existsSync(`${d}/${t}`));

export function containerdPid(): number | null {
  try {
    const out = execFileSync('pgrep', ['-xo', 'containerd'], { encoding: 'utf8' }).trim();
    return out ? Number(out) : null;
  } catch {
    return null;
  }
}

const checks: Record<Prereq, () => string | null> = {
  root: () => (process.getuid?.() === 0 ? null : 'not root'),
  bpftrace: () => (onPath('bpftrace') ? null : 'bpftrace not installed'),
  perf: () => (onPath('perf') ? null : 'perf not installed'),
  strace: () => (onPath('strace') ? null : 'strace not installed'),
  containerd: () => (containerdPid() ? null : 'containerd not running'),
  tracefs: () => (readFileSync('/proc/self/mounts', 'utf8').includes(' /sys/kernel/tracing tracefs') ? null : 'tracefs not mounted'),
  image: () => {
    try {
      const out = execFileSync('ctr', ['-n', 'ctrscope', 'images', 'ls', '-q'], { encoding: 'utf8' });
      return out.includes('docker.io/library/busybox:latest') ? null : 'test image not imported (scripts/setup.sh)';
    } catch {
      return 'ctr cannot list images';
    }
  },
  'debug-socket': () => (existsSync('/run/containerd/debug.sock') ? null : 'containerd debug socket absent'),
  metrics: () => null,
};

/** Returns why the test cannot run here, or null. Throws in CI. */
export function missing(...needs: Prereq[]): string | null {
  const why = needs.map((n) => checks[n]()).filter((x): x is string => x !== null);
  if (why.length === 0) return null;
  const msg = `prerequisites missing: ${why.join(', ')} (run scripts/setup.sh as root)`;
  if (process.env.CI === 'true') throw new Error(`CI: ${msg}`);
  console.warn(`skipping: ${msg}`);
  return msg;
}
