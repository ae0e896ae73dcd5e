/**
 * The role label of serve's metrics, from a process's command name (the kernel program keys its
 * syscall table by comm, not by pid: a pid label is what Prometheus' cardinality rules forbid).
 * Roles: containerd, shim (containerd-shim-runc-v2, comm "containerd-shim"), runc (runc and its
 * init, "runc:[2:INIT]"), container (a --container target's processes), other (anything else a
 * --pid/--comm named).
 */
import { SHIM_COMM } from '../targets/names.js';

export const METRIC_ROLES = ['containerd', 'shim', 'runc', 'container', 'other'] as const;
export type MetricRole = (typeof METRIC_ROLES)[number];

/** containerComms: command names of the processes of --container targets (their role is container). */
export function roleOfComm(comm: string, containerComms: ReadonlySet<string> = new Set()): MetricRole {
  if (comm === 'containerd') return 'containerd';
  if (comm === SHIM_COMM) return 'shim';
  if (comm === 'runc' || comm.startsWith('runc:')) return 'runc';
  if (containerComms.has(comm)) return 'container';
  return 'other';
}
