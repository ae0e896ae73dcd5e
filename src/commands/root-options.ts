/**
 * The root command's options, shared by its two entries (probe-run.ts for --probe, live.ts for the
 * live view), and the validation of its target flags.
 */
import type { TargetSelection } from '../targets/resolve.js';
import type { ProbeFlags } from '../../probes/params.js';
import type { NativeFlags } from '../native/run.js';
import { commSchema, containerIdSchema, parseOption, pidSchema } from '../validate.js';

export interface RootOptions extends Omit<NativeFlags, 'duration'>, ProbeFlags {
  probe?: string;
  duration: string;
  pid?: string[];
  comm?: string[];
  container?: string[];
  json?: boolean;
  output?: string;
  /** The --output format of the stack probes (src/export/formats.ts). */
  format?: string;
  force?: boolean;
  /** --assert expressions (bound by src/assert/check.ts). */
  assert?: string[];
}

/** Validates the target flags. */
export function targetSelection(o: Pick<RootOptions, 'pid' | 'comm' | 'container'>): TargetSelection {
  const pids = (o.pid ?? []).map((p) => parseOption(pidSchema, p, '--pid'));
  const comms = (o.comm ?? []).map((c) => parseOption(commSchema, c, '--comm'));
  const containers = (o.container ?? []).map((c) => parseOption(containerIdSchema, c, '--container'));
  return { pids, comms, containers, defaultTargets: pids.length + comms.length + containers.length === 0 };
}
