/** The root command: `ctrscope --probe NAME [--duration 10s] [targets] [--json] [--output FILE]`. */
import type { Command } from 'commander';
import { PROBES, probeNames } from '../../probes/index.js';
import { usageError } from '../errors.js';
import { durationSchema, parseOption } from '../validate.js';
import { runOneShot } from '../session/one-shot.js';
import { probeParams } from '../../probes/params.js';
import { runLiveCommand } from './live.js';
import { NATIVE_PROBES, nativeProbeNames } from '../native/index.js';
import { runNativeProbe } from '../native/run.js';
import { targetSelection, type RootOptions } from './root-options.js';
import { runWithExport } from './probe-export.js';
import { bindAssertions } from '../assert/check.js';

const collect = (v: string, prev: string[] = []) => [...prev, v];

export function registerProbeRun(program: Command): void {
  program
    .option('-p, --probe <name>', `run one probe and print its result (${[...probeNames(), ...nativeProbeNames()].join(', ')})`)
    .option('-d, --duration <time>', 'how long to trace: 500ms, 10s, 2m', '10s')
    .option('--pid <pid>', 'trace this process (repeatable)', collect)
    .option('--comm <name>', 'trace processes with this command name (repeatable)', collect)
    .option('--container <id>', 'trace this container (repeatable)', collect)
    .option('--json', 'print one JSON object')
    .option('-o, --output <file>', 'write the result to a file; for cpu-profile, off-cpu, go-cpu and heap its name picks the format: .folded, .pb.gz (pprof), .speedscope.json, .svg')
    .option('--format <format>', 'the --output format of stack probes when the name does not say: folded, pprof, speedscope, svg')
    .option('-f, --force', 'replace --output if it exists')
    .option('--debug-socket <path>', "containerd's debug socket for pprof probes (default: from containerd's config)")
    .option('--metrics-url <url>', "containerd's metrics URL (default: from containerd's config)")
    .option('--count <n>', 'container-start: how many containers to start')
    .option('--watch', 'container-start: follow real container starts instead of starting any')
    .option('--otlp-endpoint <url>', 'container-start and the live view: send each start as a trace to this OTLP/HTTP collector, e.g. http://localhost:4318 (default: OTEL_EXPORTER_OTLP_ENDPOINT)')
    .option('--base <file>', 'heap: a heap profile saved earlier (--output) to diff against')
    .option('--backend <name>', 'syscall-count: bpftrace (default, in the kernel) or strace (strace -c; slows the targets)')
    .option('--syscalls <list>', 'syscall-trace: trace only these syscalls, e.g. openat,read,write')
    .option('--assert <expr>', "check the result, e.g. 'read.p99 < 5ms' (repeatable; exit code 10 when one fails; fields: ctrscope probes --assertable NAME)", collect)
    .action(async (o: RootOptions, cmd: Command) => {
      if (cmd.args.length > 0) throw usageError(`unknown command '${cmd.args[0]}'`, 'see ctrscope --help');
      if (o.assert && !o.probe) throw usageError('--assert needs --probe', "e.g. ctrscope --probe vfs-latency --assert 'read.p99 < 5ms'");
      if (!o.probe) {
        if (o.format !== undefined) throw usageError('--format goes with --probe NAME --output FILE', 'e.g. ctrscope --probe cpu-profile --output cpu.pb.gz');
        process.exitCode = await runLiveCommand(o);
        return;
      }
      const native = NATIVE_PROBES[o.probe];
      const probe = PROBES[o.probe];
      if (!native && !probe) throw usageError(`unknown probe '${String(o.probe).slice(0, 40)}'`, `probes: ${[...probeNames(), ...nativeProbeNames()].join(', ')}`);
      const durationSeconds = parseOption(durationSchema, o.duration, '--duration');
      if (native) {
        const assertions = bindAssertions(native.name, o.assert);
        process.exitCode = await runWithExport(o.probe, o, durationSeconds, (output) => runNativeProbe(native, { ...o, output }, assertions));
        return;
      }
      const selection = targetSelection(o);
      const params = probeParams(probe!, { backend: o.backend, syscalls: o.syscalls });
      const assertions = bindAssertions(probe!.name, o.assert);
      process.exitCode = await runWithExport(o.probe, o, durationSeconds, (output) =>
        runOneShot({ probe: probe!, params: params as Record<string, unknown>, selection, durationSeconds, json: !!o.json, output, force: !!o.force, assertions }),
      );
    });
}
