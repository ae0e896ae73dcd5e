/**
 * What ProbeTracer (./probe-tracer.ts) reads to tell how a tracer is doing: the lines a tracer
 * prints when it attaches, the stderr lines that are never a failure's reason, and the kernel's
 * view of a bpftrace's attachments in /proc/PID/fd.
 */
import { readdirSync, readFileSync, readlinkSync } from 'node:fs';
import { PROC } from '../targets/procfs.js';

/**
 * stderr lines that are never the reason a tracer failed: blank lines, bpftrace's
 * "couldn't set RLIMIT_MEMLOCK" (this kernel accounts BPF memory without it) and its warnings.
 */
export const STDERR_NOISE: readonly RegExp[] = [/^\s*$/, /RLIMIT_MEMLOCK/, /WARNING:/];
export const isNoise = (line: string): boolean => STDERR_NOISE.some((re) => re.test(line));

/** bpftrace says it is attaching: -f json's attached_probes line, or text mode's "Attaching N probes...". */
export const BPFTRACE_ANNOUNCE = /^\{"type": ?"attached_probes"|^Attaching \d+ probes?\.\.\./;
/** strace: "Process 3026 attached" (with -f: "... attached with 11 threads"). */
export const STRACE_ATTACHED = /^strace: Process \d+ attached/;

/**
 * Which of strace's -p pids a stderr line settles: "Process N attached" or a failed attach
 * ("attach: ptrace(PTRACE_SEIZE, N): No such process", a shim that exited meanwhile); else null.
 * strace counts nothing until it has tried every -p pid, which can take seconds on a loaded host.
 */
export function straceAttachSettled(line: string): number | null {
  const m = /^strace: (?:Process (\d+) attached|attach: ptrace\(PTRACE_SEIZE, (\d+)\))/.exec(line);
  return m ? Number(m[1] ?? m[2]) : null;
}

/** The pids an strace argv names with -p. */
export const stracePids = (argv: readonly string[]): number[] => argv.flatMap((a, i) => (a === '-p' && /^\d+$/.test(argv[i + 1] ?? '') ? [Number(argv[i + 1])] : []));

/** Online CPUs, from /sys/devices/system/cpu/online ("0-1", "0,2-3"). */
function onlineCpus(): number {
  let ranges = '0';
  try {
    ranges = readFileSync('/sys/devices/system/cpu/online', 'utf8').trim();
  } catch {
    // one CPU
  }
  return ranges.split(',').reduce((n, r) => n + (r.includes('-') ? Number(r.split('-')[1]) - Number(r.split('-')[0]) + 1 : 1), 0);
}

/**
 * Whether the bpftrace with this pid has attached every program it loaded, as the kernel shows
 * it: each loaded program ("anon_inode:bpf-prog") holds a perf event or a BPF link once attached,
 * on top of one output perf event per online CPU.
 */
export function kernelAttached(pid: number): boolean {
  let perf = 0;
  let prog = 0;
  const link = (fd: string) => {
    try {
      return readlinkSync(`${PROC}/${pid}/fd/${fd}`);
    } catch {
      return ''; // closed meanwhile
    }
  };
  let fds: string[] = [];
  try {
    fds = readdirSync(`${PROC}/${pid}/fd`);
  } catch {
    // gone
  }
  for (const l of fds.map(link)) {
    if (l === 'anon_inode:[perf_event]' || l === 'anon_inode:bpf_link') perf++;
    else if (l === 'anon_inode:bpf-prog') prog++;
  }
  return prog > 0 && perf >= onlineCpus() + prog;
}

