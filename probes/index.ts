/** The probe catalog. */
import type { ProbeDefinition } from './types.js';
import { syscallCount } from './syscall-count.js';

export const PROBES: Record<string, ProbeDefinition<any>> = {
  'syscall-count': syscallCount,
};

export const probeNames = () => Object.keys(PROBES);
