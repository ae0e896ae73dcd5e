/** Probes that read containerd's own signals, by name. */
import type { NativeProbe } from './types.js';
import { goroutinesProbe } from './goroutines.js';
import { grpcLatencyProbe } from './grpc-latency.js';
import { goCpuProbe } from './go-cpu.js';
import { heapProbe } from './heap.js';
import { blockProbe, mutexProbe } from './contention.js';
import { containerStartProbe } from './container-start.js';

export const NATIVE_PROBES: Record<string, NativeProbe> = {
  goroutines: goroutinesProbe,
  'grpc-latency': grpcLatencyProbe,
  'go-cpu': goCpuProbe,
  heap: heapProbe,
  block: blockProbe,
  mutex: mutexProbe,
  'container-start': containerStartProbe,
};

export const nativeProbeNames = () => Object.keys(NATIVE_PROBES);
