/**
 * --output/--format for the probes that write stacks (cpu-profile, off-cpu, go-cpu, heap). Each
 * probe writes its own file kind (folded stacks; heap: containerd's pprof as served); for another
 * format the probe writes that to a private temporary directory, and the stacks are converted
 * from there into the asked-for file (src/export/formats.ts picks the format and its writer).
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chooseFormat, type ExportFormat } from '../export/formats.js';
import { cpuSamples, offCpuTime, type StackProfile } from '../export/types.js';
import { readFolded } from '../../parsers/folded-read.js';
import { foldedStacks, sampleIndex } from '../../parsers/pprof.js';
import { decodeProfile } from '../containerd/debug-client.js';
import { discover } from '../targets/discover.js';
import { exePath } from '../targets/procfs.js';
import { CtrscopeError, usageError } from '../errors.js';
import { checkOutputPath, writeFileAtomic } from '../output/write-file.js';

interface Exporter {
  /** The file the probe writes itself. */
  native: ExportFormat;
  ext: string;
  /** The probe's own file → the profile to export. */
  profile(bytes: Buffer, durationNanos: number): StackProfile;
}

const folded = (bytes: Buffer) => readFolded(bytes.toString('utf8')).stacks;

/** containerd's executable: the binary of every go-cpu and heap frame below the root. */
function containerdBinary(): StackProfile['binaryOf'] {
  const pid = discover().containerd[0]?.pid;
  const file = pid ? exePath(pid)?.replace(/ \(deleted\)$/, '') : undefined;
  return file ? (_frame, root) => (root === 'containerd' ? { file } : undefined) : undefined;
}

const EXPORTERS: Record<string, Exporter> = {
  // profile:hz:99 (probes/cpu-profile.bt)
  'cpu-profile': { native: 'folded', ext: '.folded', profile: (b, d) => cpuSamples('cpu-profile', 99, folded(b), { durationNanos: d, timeNanos: Date.now() * 1e6 - d }) },
  'off-cpu': { native: 'folded', ext: '.folded', profile: (b, d) => offCpuTime('off-cpu', folded(b), { durationNanos: d, timeNanos: Date.now() * 1e6 - d }) },
  // Go's CPU profiler samples at 100 Hz (runtime/pprof's default, which containerd's handler keeps).
  'go-cpu': { native: 'folded', ext: '.folded', profile: (b, d) => cpuSamples('go-cpu', 100, folded(b), { durationNanos: d, timeNanos: Date.now() * 1e6 - d, binaryOf: containerdBinary() }) },
  heap: {
    native: 'pprof',
    ext: '.pb.gz',
    profile(b) {
      const p = decodeProfile(b, 'the heap profile');
      const i = sampleIndex(p, 'inuse_space');
      if (i < 0) throw new CtrscopeError('input', 'the heap profile has no inuse_space values', 'containerd served an unexpected profile');
      const stacks = foldedStacks(p, i, 'containerd').map((l) => [l.slice(0, l.lastIndexOf(' ')), Number(l.slice(l.lastIndexOf(' ') + 1))] as const);
      return { name: 'heap', stacks, value: { type: 'inuse_space', unit: 'bytes' }, timeNanos: p.timeNanos || undefined, binaryOf: containerdBinary() };
    },
  },
};

export interface ExportFlags {
  output?: string;
  format?: string;
  force?: boolean;
}

/**
 * Runs a probe with its --output handled here: `run(output)` runs it writing its own file kind to
 * `output`. Probes without stacks keep --output as it was (the report); --format is refused there.
 */
export async function runWithExport(probe: string, f: ExportFlags, durationSeconds: number, run: (output: string | undefined) => Promise<number>): Promise<number> {
  const e = EXPORTERS[probe];
  if (!e) {
    if (f.format !== undefined) throw usageError(`--format applies to ${Object.keys(EXPORTERS).join(', ')}, not to ${probe}`, 'leave it out; --output writes the report');
    return run(f.output);
  }
  if (f.output === undefined) {
    if (f.format !== undefined) throw usageError('--format needs --output FILE', `e.g. --output ${probe}.pb.gz`);
    return run(undefined);
  }
  const chosen = chooseFormat(f.output, f.format);
  if (chosen.format === e.native) return run(f.output);
  checkOutputPath(f.output, !!f.force);
  const dir = mkdtempSync(join(tmpdir(), 'ctrscope-export-'));
  try {
    const own = join(dir, probe + e.ext);
    const code = await run(own);
    if (code !== 0) return code;
    writeFileAtomic(f.output, chosen.write(e.profile(readFileSync(own), Math.round(durationSeconds * 1e9))), !!f.force);
    process.stderr.write(`ctrscope: wrote ${f.output} (${chosen.label}, converted from the ${e.native === 'pprof' ? 'profile containerd served' : 'folded stacks'})\n`);
    return 0;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
