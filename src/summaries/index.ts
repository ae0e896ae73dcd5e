/** Summaries by probe name. */
import type { Summary } from './types.js';
import { syscallCountSummary } from './syscall-count.js';

export const SUMMARIES: Record<string, Summary<any>> = {
  'syscall-count': syscallCountSummary,
};
