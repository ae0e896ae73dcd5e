/**
 * Probes that read containerd itself (pprof on its debug socket, its metrics, its event stream)
 * instead of starting one tracer and parsing its output. Each runs itself and prints its report.
 */
import type { Backend } from '../../probes/types.js';
import type { BoundAssertion } from '../assert/check.js';

/** What the command line gave, validated except for the probe-specific flags. */
export interface NativeOptions {
  durationSeconds: number;
  json: boolean;
  output?: string;
  force: boolean;
  debugSocket?: string;
  metricsUrl?: string;
  /** Raw --count, validated by the probe that uses it. */
  count?: string;
  watch: boolean;
  base?: string;
  /** --otlp-endpoint, validated by the probe that uses it (container-start). */
  otlpEndpoint?: string;
  /** --assert, bound before the probe starts; emit() checks them after printing. */
  assertions?: BoundAssertion[];
}

export interface NativeProbe {
  name: string;
  summary: string;
  backend: Backend;
  /** Runs the probe and prints its result; returns the exit code. */
  run(o: NativeOptions): Promise<number>;
}
