/**
 * Every command ctrscope knows. Each module adds its own to the program.
 *
 * A run that names a subcommand first (`ctrscope flamegraph ...`) loads that one module only:
 * loading every command's modules cost 0.55-0.7 s of CPU a run here, more than drawing a large
 * flame graph. Anything else (the root command: the live view and --probe, help, a mistake)
 * loads them all, so help lists every command and a wrong name gets commander's message.
 */
import type { Command } from 'commander';

type Register = (program: Command) => void;

const SUBCOMMANDS: Record<string, () => Promise<Register>> = {
  diagnose: async () => (await import('./diagnose.js')).registerDiagnose,
  replay: async () => (await import('./replay.js')).registerReplay,
  collapse: async () => (await import('./collapse.js')).registerCollapse,
  report: async () => (await import('./report.js')).registerReport,
  doctor: async () => (await import('./doctor.js')).registerDoctor,
  probes: async () => (await import('./probes.js')).registerProbes,
  logs: async () => (await import('./logs.js')).registerLogs,
  flamegraph: async () => (await import('./flamegraph.js')).registerFlamegraph,
  diff: async () => (await import('./diff.js')).registerDiff,
  serve: async () => (await import('./serve.js')).registerServe,
};

export async function registerCommands(program: Command, argv: readonly string[] = []): Promise<void> {
  const first = argv[0];
  if (first !== undefined && Object.hasOwn(SUBCOMMANDS, first)) {
    (await SUBCOMMANDS[first]!())(program);
    return;
  }
  const [{ registerProbeRun }, { registerLive }] = await Promise.all([import('./probe-run.js'), import('./live.js')]);
  registerProbeRun(program);
  registerLive(program);
  for (const load of Object.values(SUBCOMMANDS)) (await load())(program);
}
