/** The bridge from the root command's options to a native probe. */
import { parseOption, durationSchema } from '../validate.js';
import type { NativeOptions, NativeProbe } from './types.js';
import type { BoundAssertion } from '../assert/check.js';

export interface NativeFlags {
  duration: string;
  json?: boolean;
  output?: string;
  force?: boolean;
  debugSocket?: string;
  metricsUrl?: string;
  count?: string;
  watch?: boolean;
  base?: string;
  otlpEndpoint?: string;
}

export function runNativeProbe(probe: NativeProbe, f: NativeFlags, assertions: BoundAssertion[] = []): Promise<number> {
  const o: NativeOptions = {
    durationSeconds: parseOption(durationSchema, f.duration, '--duration'),
    json: !!f.json,
    output: f.output,
    force: !!f.force,
    debugSocket: f.debugSocket,
    metricsUrl: f.metricsUrl,
    count: f.count,
    watch: !!f.watch,
    base: f.base,
    otlpEndpoint: f.otlpEndpoint,
    assertions,
  };
  return probe.run(o);
}
