/** Validation of everything a person types, at the boundary, with zod. Messages say how to fix it. */
import { z } from 'zod';
import { usageError } from './errors.js';
import { pidMax } from './targets/procfs.js';

const UNITS: Record<string, number> = { ms: 0.001, s: 1, m: 60, h: 3600 };
export const MAX_DURATION_S = 24 * 3600;

/** "10s", "500ms", "2m", "1h" or a bare number of seconds → seconds. */
export const durationSchema = z
  .string()
  .regex(/^(\d+(?:\.\d+)?)(ms|s|m|h)?$/, 'a duration is a number with an optional unit: 500ms, 10s, 2m, 1h')
  .transform((s) => {
    const m = /^(\d+(?:\.\d+)?)(ms|s|m|h)?$/.exec(s)!;
    return Number(m[1]) * UNITS[m[2] ?? 's']!;
  })
  .refine((v) => v >= 0.1 && v <= MAX_DURATION_S, `a duration must be between 100ms and ${MAX_DURATION_S / 3600}h`);

/** A process id: decimal digits only, above 0, at most the kernel's pid_max. */
export const pidSchema = z
  .string()
  .regex(/^[1-9][0-9]*$/, 'a pid is a decimal number above 0')
  // Digits beyond pid_max's length cannot be a pid: say so rather than overflow.
  .transform((s) => (s.length > 10 ? Number.MAX_SAFE_INTEGER : Number(s)))
  .refine((n) => n <= pidMax(), `a pid is at most pid_max (${pidMax()})`);

/** A command name as the kernel keeps it: 1..15 bytes of a safe ASCII set. */
export const commSchema = z
  .string()
  .regex(/^[A-Za-z0-9_.:+@\[\]\/-]+$/, 'a comm may hold only letters, digits and _ . : + @ [ ] / -')
  .refine((s) => Buffer.byteLength(s) <= 15, 'a comm is at most 15 bytes (the kernel cuts longer names)');

/** A container id as containerd accepts it. */
export const containerIdSchema = z.string().regex(/^[A-Za-z0-9][A-Za-z0-9_.-]{0,127}$/, 'a container id holds only letters, digits, _ . - (at most 128)');

/** Parses one value or throws a usage error naming the flag. */
export function parseOption<T>(schema: z.ZodType<T>, value: unknown, flag: string): T {
  const r = schema.safeParse(value);
  if (r.success) return r.data;
  const msg = r.error.issues[0]?.message ?? 'invalid value';
  throw usageError(`${flag} ${JSON.stringify(String(value)).slice(0, 60)}: ${msg}`);
}
