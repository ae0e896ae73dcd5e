/** Pure readers behind doctor and the attach ladders: what files and tool output say. */
import { describe, expect, it } from 'vitest';
import { hasHardwarePmu, hwCountedFromPerf, kernelHasSymbol, kfuncFromInfo, lockdownMode } from '../../src/host/features.js';
import { cgroup2Mount, cgroupPath } from '../../src/host/cgroup.js';
import { elfType } from '../../src/host/elf.js';

describe('kernel feature readers', () => {
  it('reads kfunc support from bpftrace --info, old and new wording', () => {
    // Lines as bpftrace 0.17 prints them under "Probe types" (this host), and 0.20's wording.
    expect(kfuncFromInfo('Probe types\n  kprobe: yes\n  tracepoint: yes\n  perf_event: yes\n  kfunc: no\n')).toBe(false);
    expect(kfuncFromInfo('  fentry: yes\n')).toBe(true);
    expect(kfuncFromInfo('nothing here')).toBeNull();
  });
  it('tells <not supported> from a counted hardware event', () => {
    expect(hwCountedFromPerf('<not supported>,,cycles,0,100.00,,\n')).toBe(false);
    expect(hwCountedFromPerf('1234567,,cycles,2000,100.00,,\n')).toBe(true);
    expect(hwCountedFromPerf('')).toBeNull();
  });
  it('knows a hardware PMU by its device name', () => {
    // /sys/bus/event_source/devices on this VM.
    expect(hasHardwarePmu(['breakpoint', 'msr', 'software', 'tracepoint', 'uprobe'])).toBe(false);
    expect(hasHardwarePmu(['cpu', 'kprobe', 'software'])).toBe(true);
    expect(hasHardwarePmu(['armv8_pmuv3_0'])).toBe(true);
  });
  it('reads the lockdown mode in brackets', () => {
    expect(lockdownMode('none [integrity] confidentiality\n')).toBe('integrity');
    expect(lockdownMode('[none] integrity confidentiality\n')).toBe('none');
    expect(lockdownMode(null)).toBeNull();
  });
  it('finds a text symbol in kallsyms, not a prefix of another', () => {
    const ks = 'ffffffff81234560 T vfs_readv\nffffffff81234000 T vfs_read\nffffffff81235000 t vfs_writev\n';
    expect(kernelHasSymbol('vfs_read', ks)).toBe(true);
    expect(kernelHasSymbol('vfs_write', ks)).toBe(false);
  });
});

describe('cgroup readers', () => {
  // /proc/PID/cgroup of a container started by ctr on this hybrid (v1 + v2) host.
  const file = '9:name=systemd:/ctrscope/probe-t1\n8:pids:/ctrscope/probe-t1\n4:memory:/ctrscope/probe-t1\n0::/ctrscope/probe-t1\n';
  it('finds the v2 path and a v1 controller path', () => {
    expect(cgroupPath(file)).toBe('/ctrscope/probe-t1');
    expect(cgroupPath(file, 'pids')).toBe('/ctrscope/probe-t1');
    expect(cgroupPath('8:pids:/\n', 'memory')).toBeNull();
  });
  it('finds the cgroup2 mount', () => {
    expect(cgroup2Mount('cgroup /sys/fs/cgroup/pids cgroup rw 0 0\ncgroup2 /sys/fs/cgroup/unified cgroup2 rw,relatime 0 0\n')).toBe('/sys/fs/cgroup/unified');
    expect(cgroup2Mount('proc /proc proc rw 0 0\n')).toBeNull();
  });
});

describe('ELF type', () => {
  it('reads ET_EXEC or ET_DYN from a real executable, null for a non-ELF file', () => {
    expect([2, 3]).toContain(elfType(process.execPath));
    expect(elfType('/etc/hostname')).toBeNull();
  });
});
