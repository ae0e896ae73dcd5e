import { readdirSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { detectFormat, DETECT_LINES } from '../../parsers/detect.js';
import { fixtureBytes } from '../helpers/chunks.js';

const ROOT = new URL('../../fixtures/', import.meta.url).pathname;
const head = (path: string) => fixtureBytes(path).toString('utf8').split('\n').slice(0, DETECT_LINES);

describe('detectFormat on real captures', () => {
  const strace = readdirSync(ROOT + 'strace').filter((f) => f.endsWith('.gz'));
  it.each(strace)('strace/%s', (f) => {
    expect(detectFormat(head(ROOT + 'strace/' + f))).toBe(/-c(-w-U)?\.txt/.test(f) ? 'strace-summary' : 'strace');
  });
});

// Hand-written samples (marked) in the shapes HOST.md and the parsers' headers show for this host.
describe('detectFormat on samples of the other tracers', () => {
  it('bpftrace -f json', () => {
    expect(detectFormat(['{"type": "attached_probes", "data": {"probes": 4}}', '', '{"type": "hist", "data": {"@ns": []}}'])).toBe('bpftrace-json');
  });
  it('perf stat -x,', () => {
    expect(detectFormat(['68341,,context-switches,2243484890,100.00,30.458,K/sec', '<not supported>,,cache-misses,0,100.00,,'])).toBe('perf-stat');
    expect(detectFormat(['     1.001185817,535.92,msec,task-clock,535920043,100.00,0.536,CPUs utilized'])).toBe('perf-stat');
    expect(detectFormat(['containerd-3026,<not counted>,,context-switches,0,100.00,,', 'S0-D0-C0,1,501.36,msec,task-clock,501361320,100.00,1.000,CPUs utilized'])).toBe('perf-stat');
  });
  it('perf stat, human format', () => {
    expect(detectFormat(['', " Performance counter stats for process id '3026':", '', '         90680      context-switches'])).toBe('perf-stat');
  });
  it('perf script', () => {
    expect(
      detectFormat([
        'containerd  3038   473.502495:   10101010 cpu-clock:ppp: ',
        '\tffffffff821f8914 __schedule+0x3d4 ([kernel.kallsyms])',
        '\t          8d34c0 runtime.epollwait.abi0+0x20 (/usr/bin/containerd)',
        '',
      ]),
    ).toBe('perf-script');
  });
  it('strace on stderr: its attach messages first, however many', () => {
    const attached = Array.from({ length: 200 }, (_, i) => `strace: Process ${1000 + i} attached`);
    expect(detectFormat([...attached, '[pid  1000] 05:00:00.000001 close(3) = 0 <0.000002>'])).toBe('strace');
    expect(detectFormat([...attached, '% time     seconds  usecs/call     calls    errors syscall'])).toBe('strace-summary');
    expect(detectFormat(['strace: Process 3026 attached with 11 threads', 'strace: Process 3026 detached'])).toBe('strace');
  });

  it('nothing it knows', () => {
    expect(detectFormat([])).toBeNull();
    expect(detectFormat(['', '   '])).toBeNull();
    expect(detectFormat(['hello world', 'this is a README'])).toBeNull();
    expect(detectFormat(['{"not": "bpftrace"}'])).toBeNull();
    expect(detectFormat(['\u0000\u0001\u0002PERFILE2'])).toBeNull();
  });
});
