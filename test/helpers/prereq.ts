/**
 * Host prerequisites for tests (tools, services, data outside the repo). Outside CI a missing one skips the test with a reason;
 * with CI=true it fails: CI must have set everything up (scripts/setup.sh).
 */
import { existsSync, readFileSync } from 'node:fs';
import { execFileSync, spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

export type Prereq =
  | 'root'
  | 'bpftrace'
  | 'perf'
  | 'strace'
  | 'python3'
  | 'containerd'
  | 'tracefs'
  | 'image'
  | 'debug-socket'
  | 'metrics'
  | 'flamegraph-conformance'
  | 'flamegraph-svg-conformance'
  | 'prometheus'
  | 'go'
  | 'chromium'
  | 'jsonschema'
  | 'journald';

/** FlameGraph's stackcollapse-perf.pl inputs and outputs (NAME.txt, results/NAME-collapsed-OPT.txt). */
export const CONFORMANCE_DIR = process.env.CTRSCOPE_CONFORMANCE_DIR ?? fileURLToPath(new URL('../../../shared/conformance/flamegraph', import.meta.url));

/** flamegraph.pl's drawn frames for the corpus' folded files and option sets (*.tsv beside *.folded*). */
export const SVG_CONFORMANCE_DIR = process.env.CTRSCOPE_SVG_CONFORMANCE_DIR ?? fileURLToPath(new URL('../../../shared/conformance/flamegraph-svg', import.meta.url));

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
  // The helper processes of test/bin/ (their syscalls are known exactly) are python scripts.
  python3: () => (spawnSync('python3', ['-c', 'pass']).status === 0 ? null : 'python3 not installed'),
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
  'flamegraph-conformance': () =>
    existsSync(`${CONFORMANCE_DIR}/results`)
      ? null
      : `FlameGraph conformance data not found at ${CONFORMANCE_DIR} (need NAME.txt and results/; set CTRSCOPE_CONFORMANCE_DIR)`,
  'flamegraph-svg-conformance': () =>
    existsSync(`${SVG_CONFORMANCE_DIR}/README.md`) ? null : `flamegraph.pl layout data not found at ${SVG_CONFORMANCE_DIR} (set CTRSCOPE_SVG_CONFORMANCE_DIR)`,
  // The real clients of what ctrscope writes (scripts/setup.sh --test-peers installs them).
  prometheus: () => (onPath('prometheus') ? null : 'prometheus not installed (Debian package prometheus)'),
  go: () => (onPath('go') ? null : 'go not installed (Debian package golang-go: go tool pprof, go tool addr2line)'),
  chromium: () => (onPath('chromium') ? null : 'chromium not installed (Debian package chromium)'),
  // A private systemd-journald (test/helpers/journald.ts): systemd need not be PID 1.
  journald: () => (existsSync('/lib/systemd/systemd-journald') && ['journalctl', 'systemd-cat', 'unshare', 'nsenter'].every(onPath) ? null : 'systemd-journald, journalctl, systemd-cat, unshare or nsenter missing (Debian packages systemd, util-linux)'),
  jsonschema: () => (spawnSync('python3', ['-c', 'import jsonschema']).status === 0 ? null : 'python3-jsonschema not installed'),
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
