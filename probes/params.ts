/** Probe-specific command-line flags → a probe's validated parameters, with messages that name the flag. */
import type { ProbeDefinition } from './types.js';
import { usageError } from '../src/errors.js';

export interface ProbeFlags {
  backend?: string;
  syscalls?: string;
}

const FLAG_OF: Record<keyof ProbeFlags, string> = { backend: '--backend', syscalls: '--syscalls' };

/** Which of the flags a probe takes (the keys of its zod object, when it is one). */
function accepted(probe: ProbeDefinition<any>): Set<string> {
  const shape = (probe.params as unknown as { shape?: Record<string, unknown> }).shape;
  return new Set(shape ? Object.keys(shape) : []);
}

export function probeParams(probe: ProbeDefinition<any>, flags: ProbeFlags): Record<string, unknown> {
  const keys = accepted(probe);
  const given: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(flags)) {
    if (v === undefined) continue;
    const flag = FLAG_OF[k as keyof ProbeFlags];
    if (!keys.has(k)) throw usageError(`${flag} does not apply to --probe ${probe.name}`, `it applies to: ${flagUsers(k)}`);
    given[k] = v;
  }
  const r = probe.params.safeParse(given);
  if (r.success) return r.data as Record<string, unknown>;
  const issue = r.error.issues[0];
  const key = String(issue?.path?.[0] ?? '');
  const flag = FLAG_OF[key as keyof ProbeFlags] ?? `--probe ${probe.name}`;
  throw usageError(`${flag}: ${issue?.message ?? 'invalid value'}`);
}

let users: Record<string, string[]> | undefined;
function flagUsers(key: string): string {
  return (users?.[key] ?? []).join(', ') || 'no probe';
}

/** Tells probeParams which probes take which flag (for its messages). */
export function registerFlagUsers(probes: Record<string, ProbeDefinition<any>>): void {
  users = {};
  for (const p of Object.values(probes)) for (const k of accepted(p)) (users[k] ??= []).push(p.name);
}
