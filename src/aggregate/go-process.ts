/** containerd's process figures from its metrics: memory, CPU time, goroutines, threads. */
import { scalar, type PromScrape } from '../../parsers/prometheus-text.js';

export interface ProcessStats {
  rssBytes: number | null;
  cpuSeconds: number | null;
  goroutines: number | null;
  threads: number | null;
  openFds: number | null;
  heapInuseBytes: number | null;
}

export function processStats(s: PromScrape): ProcessStats {
  const v = (n: string) => scalar(s, n) ?? null;
  return {
    rssBytes: v('process_resident_memory_bytes'),
    cpuSeconds: v('process_cpu_seconds_total'),
    goroutines: v('go_goroutines'),
    threads: v('go_threads'),
    openFds: v('process_open_fds'),
    heapInuseBytes: v('go_memstats_heap_inuse_bytes'),
  };
}

/** CPU use between two readings, in percent of one core; null when unknown. */
export function cpuPercent(a: ProcessStats, b: ProcessStats, seconds: number): number | null {
  if (a.cpuSeconds === null || b.cpuSeconds === null || seconds <= 0) return null;
  return Math.max(0, ((b.cpuSeconds - a.cpuSeconds) / seconds) * 100);
}
