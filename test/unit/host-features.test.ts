/** Pure readers behind doctor and the attach ladders: what files and tool output say. */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { hasHardwarePmu, hwCountedFromPerf, kernelHasSymbol, kfuncFromInfo, lockdownMode } from '../../src/host/features.js';
import { cgroup2Mount, cgroupPath } from '../../src/host/cgroup.js';
import { elfType } from '../../src/host/elf.js';

const HOST = new URL('../../fixtures/host/', import.meta.url).pathname;
/** A real read of the development host (fixtures/host/README.md says how each was taken). */
const fix = (f: string) => readFileSync(HOST + f, 'utf8');

describe('kernel feature readers', () => {
  it('reads kfunc support from bpftrace --info, old and new wording', () => {
    // bpftrace 0.17 on this host: "kfunc: no" under "Probe types".
    const info = fix('bpftrace-info.txt');
    expect(info).toMatch(/^Probe types$/m);
    expect(kfuncFromInfo(info)).toBe(/^\s+kfunc: yes$/m.test(info));
    expect(kfuncFromInfo(info)).toBe(false);
    // Hand-written (no bpftrace 0.20 here): its wording for the same line.
    expect(kfuncFromInfo('  fentry: yes\n')).toBe(true);
    expect(kfuncFromInfo(fix('mounts.txt'))).toBeNull();
  });
  it('tells <not supported> from a counted event', () => {
    expect(hwCountedFromPerf(fix('perf-stat-cycles.txt'))).toBe(false);
    expect(hwCountedFromPerf(fix('perf-stat-page-faults.txt'))).toBe(true);
    expect(hwCountedFromPerf('')).toBeNull();
  });
  it('knows a hardware PMU by its device name', () => {
    // This VM's /sys/bus/event_source/devices: no PMU.
    const devices = fix('event-source-devices.txt').trim().split('\n');
    expect(devices).toContain('software');
    expect(hasHardwarePmu(devices)).toBe(false);
    // Hand-written: the names x86 and arm64 hosts with a PMU have.
    expect(hasHardwarePmu([...devices, 'cpu'])).toBe(true);
    expect(hasHardwarePmu(['armv8_pmuv3_0'])).toBe(true);
  });
  it('reads the lockdown mode in brackets', () => {
    // Hand-written: this host has no /sys/kernel/security/lockdown (the reader then gets null).
    expect(lockdownMode('none [integrity] confidentiality\n')).toBe('integrity');
    expect(lockdownMode('[none] integrity confidentiality\n')).toBe('none');
    expect(lockdownMode(null)).toBeNull();
  });
  it('finds a text symbol in kallsyms, not a prefix of another', () => {
    const ks = fix('kallsyms-vfs.txt');
    for (const name of ['vfs_read', 'vfs_readv', 'vfs_write', 'vfs_writev']) expect(kernelHasSymbol(name, ks), name).toBe(true);
    // Prefixes of symbols that are there, and no symbol themselves.
    expect(kernelHasSymbol('vfs_rea', ks)).toBe(false);
    expect(kernelHasSymbol('vfs_writ', ks)).toBe(false);
  });
});

describe('cgroup readers', () => {
  // /proc/PID/cgroup of a container started by ctr on this hybrid (v1 + v2) host.
  const file = fix('container-cgroup.txt');
  it('finds the v2 path and a v1 controller path', () => {
    expect(cgroupPath(file)).toBe('/ctrscope/ctrscope-fixture-cg');
    expect(cgroupPath(file, 'pids')).toBe('/ctrscope/ctrscope-fixture-cg');
    expect(cgroupPath(file, 'memory')).toBe('/ctrscope/ctrscope-fixture-cg');
    expect(cgroupPath(file, 'nosuchcontroller')).toBeNull();
  });
  it('finds the cgroup2 mount', () => {
    expect(cgroup2Mount(fix('mounts.txt'))).toBe('/sys/fs/cgroup/unified');
    // The same mounts without the cgroup2 line.
    expect(cgroup2Mount(fix('mounts.txt').split('\n').filter((l) => !l.startsWith('cgroup2 ')).join('\n'))).toBeNull();
  });
});

describe('ELF type', () => {
  it('reads ET_EXEC or ET_DYN from a real executable, null for a non-ELF file', () => {
    expect([2, 3]).toContain(elfType(process.execPath));
    expect(elfType('/etc/hostname')).toBeNull();
  });
});
