/** Syscall numbers to names for this machine's architecture. */
import { SYSCALLS_X86_64 } from './syscall-names-x86_64.js';

const TABLES: Record<string, Record<number, string>> = { x64: SYSCALLS_X86_64 };

/** Returns a resolver for `arch` (Node's process.arch); unknown numbers read "syscall_N". */
export function syscallNamer(arch: string = process.arch): (nr: number) => string {
  const table = TABLES[arch];
  return (nr) => table?.[nr] ?? `syscall_${nr}`;
}

/** Every syscall name of `arch` (empty when ctrscope has no table for it). */
export function syscallNames(arch: string = process.arch): Set<string> {
  return new Set(Object.values(TABLES[arch] ?? {}));
}
