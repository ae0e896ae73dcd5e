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
    .option('-o, --output <file>', 'write the result to a file (folded stacks for stack probes)')
    .option('-f, --force', 'replace --output if it exists')
    .option('--debug-socket <path>', "containerd's debug socket for pprof probes (default: from containerd's config)")
    .option('--metrics-url <url>', "containerd's metrics URL (default: from containerd's config)")
    .option('--count <n>', 'container-start: how many containers to start')
    .option('--watch', 'container-start: follow real container starts instead of starting any')
    .option('--base <file>', 'heap: a heap profile saved earlier (--output) to diff against')
    .option('--backend <name>', 'syscall-count: bpftrace (default, in the kernel) or strace (strace -c; slows the targets)')
    .option('--syscalls <list>', 'syscall-trace: trace only these syscalls, e.g. openat,read,write')
    .option('--assert <expr>', "check the result, e.g. 'read.p99 < 5ms' (repeatable; exit code 10 when one fails; fields: ctrscope probes --assertable NAME)", collect)
    .action(async (o: RootOptions, cmd: Command) => {
      if (cmd.args.length > 0) throw usageError(`unknown command '${cmd.args[0]}'`, 'see ctrscope --help');
      if (o.assert && !o.probe) throw usageError('--assert needs --probe', "e.g. ctrscope --probe vfs-latency --assert 'read.p99 < 5ms'");
      if (!o.probe) {
        process.exitCode = await runLiveCommand(o);
        return;
      }
      const native = NATIVE_PROBES[o.probe];
      if (native) {
        process.exitCode = await runNativeProbe(native, o, bindAssertions(native.name, o.assert));
        return;
      }
      const probe = PROBES[o.probe];
      if (!probe) throw usageError(`unknown probe '${String(o.probe).slice(0, 40)}'`, `probes: ${[...probeNames(), ...nativeProbeNames()].join(', ')}`);
      const durationSeconds = parseOption(durationSchema, o.duration, '--duration');
      const selection = targetSelection(o);
      const params = probeParams(probe, { backend: o.backend, syscalls: o.syscalls });
      const assertions = bindAssertions(probe.name, o.assert);
      process.exitCode = await runOneShot({ probe, params: params as Record<string, unknown>, selection, durationSeconds, json: !!o.json, output: o.output, force: !!o.force, assertions });
    });
}
