/**
 * What this host's kernel and tools can do for tracing, found by reading /proc and /sys (sync) and,
 * for what only a tool can say, by short commands through src/runner/exec.ts (async).
 *
 * Each feature is { ok, detail, fix }: ok null means "not known" (e.g. tracefs not mounted, so
 * kprobe_events cannot be looked for). Detection never throws.
 */
import { existsSync, readdirSync } from 'node:fs';
import { readOrNull } from '../util/read.js';
import { run } from '../runner/exec.js';
import { mounted, which } from './preflight.js';

export interface Feature {
  ok: boolean | null;
  detail: string;
  /** The one command (or step) that fixes it, when something can. */
  fix?: string;
}

export interface KernelFeatures {
  tracefs: Feature & { path: string | null };
  debugfs: Feature;
  kprobes: Feature;
  /** kprobe:vfs_read / vfs_write can attach: kprobes plus the functions being probe-able. */
  vfsKprobes: Feature;
  kfunc: Feature;
  tracepoints: Feature;
  uprobes: Feature;
  btf: Feature;
  hwCounters: Feature;
  perfEventParanoid: Feature & { value: number | null };
  lockdown: Feature & { mode: string | null };
}

const SYS = process.env.CTRSCOPE_SYS ?? '/sys';
const PROCFS = process.env.CTRSCOPE_PROC ?? '/proc';

const read = readOrNull;

/** Where tracefs is mounted (the modern path first), or null. */
export function tracefsPath(): string | null {
  if (mounted('/sys/kernel/tracing')) return '/sys/kernel/tracing';
  if (mounted('/sys/kernel/debug/tracing') || existsSync('/sys/kernel/debug/tracing/events')) return '/sys/kernel/debug/tracing';
  return null;
}

/** Whether a kernel function is in the symbol table (kprobes need it; a blacklisted one still fails at attach). */
export function kernelHasSymbol(name: string, kallsyms = read(`${PROCFS}/kallsyms`)): boolean {
  if (!kallsyms) return false;
  return new RegExp(`^[0-9a-f]+ [tTwW] ${name}$`, 'm').test(kallsyms);
}

/** The active mode in /sys/kernel/security/lockdown ("none [integrity] confidentiality" → "integrity"). */
export function lockdownMode(text: string | null): string | null {
  if (!text) return null;
  const m = /\[(\w+)\]/.exec(text);
  return m ? m[1]! : null;
}

/** Whether a hardware PMU is registered (x86 "cpu"/"cpu_core", arm "armv8_*"): without one, cycles and cache events are not supported. */
export function hasHardwarePmu(devices: string[]): boolean {
  return devices.some((d) => d === 'cpu' || d === 'cpu_core' || d === 'cpu_atom' || d.startsWith('armv8_') || d.startsWith('armv7_') || d === 'cpum_cf' || d === 'power_pmu');
}

/** Everything that can be read from files, without running anything. */
export function detectKernelSync(): KernelFeatures {
  const tpath = tracefsPath();
  const pmus = safeReaddir(`${SYS}/bus/event_source/devices`);
  const kprobeEventsFile = tpath ? existsSync(`${tpath}/kprobe_events`) : null;
  const kprobePmu = pmus.includes('kprobe');
  const btfOk = existsSync(`${SYS}/kernel/btf/vmlinux`);
  const kprobes: Feature =
    kprobePmu || kprobeEventsFile
      ? { ok: true, detail: kprobePmu ? 'perf kprobe PMU present' : `${tpath}/kprobe_events present` }
      : kprobeEventsFile === false
        ? { ok: false, detail: `no kprobe PMU and no ${tpath}/kprobe_events: the kernel is built without CONFIG_KPROBES / CONFIG_KPROBE_EVENTS`, fix: 'use a kernel built with CONFIG_KPROBES=y (probes fall back to tracepoints)' }
        : { ok: false, detail: 'no kprobe PMU (tracefs not mounted, kprobe_events not checked)', fix: 'mount -t tracefs nodev /sys/kernel/tracing' };
  const vfsKprobes: Feature = !kprobes.ok
    ? { ok: false, detail: 'kprobes are not available' }
    : kernelHasSymbol('vfs_read') && kernelHasSymbol('vfs_write')
      ? { ok: true, detail: 'vfs_read and vfs_write are in /proc/kallsyms' }
      : { ok: false, detail: 'vfs_read or vfs_write is not in /proc/kallsyms' };
  const syscallsTp = tpath ? existsSync(`${tpath}/events/syscalls/sys_enter_read`) : null;
  const schedTp = tpath ? existsSync(`${tpath}/events/sched/sched_switch`) : null;
  const tracepoints: Feature =
    syscallsTp === null
      ? { ok: null, detail: 'tracefs is not mounted, so tracepoints cannot be listed', fix: 'mount -t tracefs nodev /sys/kernel/tracing' }
      : syscallsTp && schedTp
        ? { ok: true, detail: 'syscalls:* and sched:* tracepoints present' }
        : { ok: false, detail: `${syscallsTp ? '' : 'syscalls:* '}${schedTp ? '' : 'sched:* '}tracepoints missing (CONFIG_FTRACE_SYSCALLS?)`, fix: 'use a kernel built with CONFIG_FTRACE_SYSCALLS=y' };
  const uprobePmu = pmus.includes('uprobe');
  const uprobes: Feature = uprobePmu || (tpath && existsSync(`${tpath}/uprobe_events`))
    ? { ok: true, detail: uprobePmu ? 'perf uprobe PMU present' : 'uprobe_events present' }
    : { ok: false, detail: 'no uprobe PMU and no uprobe_events (CONFIG_UPROBE_EVENTS off)', fix: 'use a kernel built with CONFIG_UPROBE_EVENTS=y' };
  const hw = hasHardwarePmu(pmus);
  const paranoidText = read(`${PROCFS}/sys/kernel/perf_event_paranoid`);
  const paranoid = paranoidText === null ? null : Number(paranoidText.trim());
  const root = typeof process.getuid === 'function' && process.getuid() === 0;
  const lock = lockdownMode(read(`${SYS}/kernel/security/lockdown`));
  return {
    tracefs: tpath
      ? { ok: true, path: tpath, detail: `mounted at ${tpath}` }
      : { ok: false, path: null, detail: 'tracefs is not mounted (ctrscope mounts it when run as root)', fix: 'mount -t tracefs nodev /sys/kernel/tracing' },
    debugfs: mounted('/sys/kernel/debug')
      ? { ok: true, detail: 'mounted at /sys/kernel/debug' }
      : { ok: false, detail: 'debugfs is not mounted (bpftrace looks for kprobe_events under it; ctrscope mounts it as root)', fix: 'mount -t debugfs nodev /sys/kernel/debug' },
    kprobes,
    vfsKprobes,
    // Files cannot tell whether BPF trampolines work: detectKernel() asks bpftrace.
    kfunc: btfOk ? { ok: null, detail: 'BTF present; whether kfunc attaches is known only by asking bpftrace' } : { ok: false, detail: 'no BTF (/sys/kernel/btf/vmlinux), which kfunc needs', fix: 'use a kernel built with CONFIG_DEBUG_INFO_BTF=y' },
    tracepoints,
    uprobes,
    btf: btfOk ? { ok: true, detail: '/sys/kernel/btf/vmlinux present' } : { ok: false, detail: '/sys/kernel/btf/vmlinux missing (CONFIG_DEBUG_INFO_BTF off)', fix: 'use a kernel built with CONFIG_DEBUG_INFO_BTF=y' },
    hwCounters: hw
      ? { ok: true, detail: 'a hardware PMU is registered' }
      : { ok: false, detail: `no hardware PMU in ${SYS}/bus/event_source/devices (a VM without PMU passthrough): cycles, instructions and cache events are not supported`, fix: 'enable PMU passthrough for the VM (e.g. QEMU -cpu host), or run on bare metal' },
    perfEventParanoid:
      paranoid === null
        ? { ok: null, value: null, detail: 'perf_event_paranoid not readable' }
        : { ok: root || paranoid <= 1, value: paranoid, detail: `perf_event_paranoid = ${paranoid}${root ? ' (root is not limited by it)' : paranoid > 1 ? ': unprivileged users cannot trace other processes' : ''}`, fix: root || paranoid <= 1 ? undefined : 'run ctrscope as root (or: sysctl kernel.perf_event_paranoid=1)' },
    lockdown:
      lock === null || lock === 'none'
        ? { ok: true, mode: lock, detail: lock === null ? 'no lockdown LSM' : 'lockdown: none' }
        : { ok: false, mode: lock, detail: `kernel lockdown is "${lock}": BPF reads of kernel memory are refused`, fix: 'boot with lockdown=none (or disable Secure Boot lockdown) to use bpftrace probes' },
  };
}

export interface ToolInfo {
  tool: string;
  path: string | null;
  version: string | null;
  /** Debian package that provides it. */
  pkg: string;
}

const TOOLS: Array<{ tool: string; args: string[]; pkg: string; pattern: RegExp }> = [
  { tool: 'bpftrace', args: ['--version'], pkg: 'bpftrace', pattern: /v?(\d+\.\d+(?:\.\d+)?)/ },
  { tool: 'perf', args: ['--version'], pkg: 'linux-perf', pattern: /(\d+\.\d+(?:\.\d+)?)/ },
  { tool: 'strace', args: ['-V'], pkg: 'strace', pattern: /version (\d+\.\d+(?:\.\d+)?)/ },
  { tool: 'containerd', args: ['--version'], pkg: 'containerd', pattern: /\s(v?\d+\.\d+\.\d+\S*)/ },
  { tool: 'ctr', args: ['--version'], pkg: 'containerd', pattern: /(\d+\.\d+\.\d+\S*)/ },
  { tool: 'runc', args: ['--version'], pkg: 'runc', pattern: /version (\S+)/ },
  { tool: 'setpriv', args: ['--version'], pkg: 'util-linux', pattern: /(\d+\.\d+(?:\.\d+)?)/ },
];

export async function detectTools(): Promise<ToolInfo[]> {
  return Promise.all(
    TOOLS.map(async ({ tool, args, pkg, pattern }) => {
      const path = which(tool);
      if (!path) return { tool, path, version: null, pkg };
      const r = await run([path, ...args], 5000);
      const m = pattern.exec(`${r.stdout}\n${r.stderr}`);
      return { tool, path, version: m ? m[1]! : null, pkg };
    }),
  );
}

/** "kfunc: yes" (0.17) / "fentry: yes" (0.20+) in `bpftrace --info`, or null when it says neither. */
export function kfuncFromInfo(info: string): boolean | null {
  const m = /^\s*(?:kfunc|fentry):\s*(yes|no)\s*$/m.exec(info);
  return m ? m[1] === 'yes' : null;
}

/** Whether `perf stat` could count a hardware event: false when it prints <not supported>. */
export function hwCountedFromPerf(csv: string): boolean | null {
  if (/<not supported>/.test(csv)) return false;
  if (/^\d+,/m.test(csv)) return true;
  return null;
}

/** Kernel features, with kfunc and hardware counters confirmed by bpftrace and perf when present. */
export async function detectKernel(): Promise<KernelFeatures> {
  const k = detectKernelSync();
  const bpftrace = which('bpftrace');
  if (bpftrace && k.btf.ok) {
    const r = await run([bpftrace, '--info'], 10_000);
    const yes = kfuncFromInfo(`${r.stdout}\n${r.stderr}`);
    if (yes === true) k.kfunc = { ok: true, detail: 'bpftrace --info: kfunc yes (BTF and BPF trampolines)' };
    else if (yes === false) k.kfunc = { ok: false, detail: 'bpftrace --info: kfunc no (this kernel or bpftrace build cannot attach BPF trampolines)' };
  }
  const perf = which('perf');
  if (perf) {
    const r = await run([perf, 'stat', '-x,', '-e', 'cycles', '--', 'true'], 10_000);
    const counted = hwCountedFromPerf(r.stderr);
    if (counted === false) k.hwCounters = { ok: false, detail: 'perf stat -e cycles: <not supported> (no hardware counters here)', fix: k.hwCounters.fix ?? 'enable PMU passthrough for the VM, or run on bare metal' };
    else if (counted === true) k.hwCounters = { ok: true, detail: 'perf stat counts cycles' };
  }
  return k;
}

function safeReaddir(dir: string): string[] {
  try {
    return readdirSync(dir);
  } catch {
    return [];
  }
}
