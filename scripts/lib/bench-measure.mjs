/**
 * Shared pieces of the parser benchmarks in scripts/bench/: an input made by repeating captures,
 * timing (wall and CPU) around the work, the result record scripts/bench-parsers.mjs prints, and
 * the one line a module prints when run alone.
 */

const BLOCK = 16 << 20;

/** The captures joined, repeated into a ~16 MiB block, read as often as needed for >= mb MB, in `chunk`-byte pieces. */
export function repeatedInput(captures, mb, chunk) {
  const all = Buffer.concat(captures);
  const copies = Math.max(1, Math.floor(BLOCK / all.length));
  const block = Buffer.concat(Array.from({ length: copies }, () => all));
  const passes = Math.ceil((mb * 1e6) / block.length);
  return {
    bytes: block.length * passes,
    /** Calls f with each piece, in order. */
    forEachChunk(f) {
      for (let p = 0; p < passes; p++) for (let i = 0; i < block.length; i += chunk) f(block.subarray(i, i + chunk));
    },
  };
}

/**
 * Runs work() (which returns { lines, unrecognized, detail }) and returns the record the runner
 * prints. CPU time is reported next to wall time: steadier on a shared, busy host.
 */
export async function measure({ name, targetMBps, bytes }, work) {
  globalThis.gc?.();
  const rssBefore = process.memoryUsage().rss;
  const t0 = process.hrtime.bigint();
  const cpu0 = process.cpuUsage();
  const { lines, unrecognized, detail } = await work();
  const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
  const cpu = process.cpuUsage(cpu0);
  const cpuSeconds = (cpu.user + cpu.system) / 1e6;
  return {
    name,
    bytes,
    lines,
    seconds,
    mbPerSecond: bytes / 1e6 / seconds,
    cpuSeconds,
    mbPerCpuSecond: bytes / 1e6 / cpuSeconds,
    linesPerSecond: lines / seconds,
    peakRssMB: process.resourceUsage().maxRSS / 1024,
    rssGrowthMB: (process.memoryUsage().rss - rssBefore) / 1e6,
    unrecognized,
    detail,
    targetMBps,
  };
}

/** The line a benchmark module prints when run on its own. */
export function summary(r) {
  return (
    `${r.name}: ${(r.bytes / 1e6).toFixed(0)} MB, ${r.lines} lines in ${r.seconds.toFixed(2)} s: ` +
    `${r.mbPerSecond.toFixed(0)} MB/s (${r.mbPerCpuSecond.toFixed(0)} MB per CPU second), ${(r.linesPerSecond / 1e6).toFixed(2)} M lines/s, ` +
    `peak RSS ${r.peakRssMB.toFixed(0)} MB (target ${r.targetMBps} MB/s); ${r.detail}`
  );
}
