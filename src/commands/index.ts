/**
 * Every command ctrscope knows. Each module adds its own to the program.
 *
 * A run that names a subcommand first (`ctrscope flamegraph ...`) loads that one module only:
 * loading every command's modules cost 0.55-0.7 s of CPU a run here, more than drawing a large
 * flame graph. Anything else (the root command: the live view and --probe, help, a mistake)
 * loads them all, so help lists every command and a wrong name gets commander's message.
 */
import type { Command } from 'commander';
import { parsePlain, type OptionSpec } from './plain-args.js';

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

/**
 * A command run without commander (plainCommand), in the plain cases plain-args.ts reads: its
 * options, how many arguments it takes, their defaults, and its work.
 */
interface PlainCommand {
  options: readonly OptionSpec[];
  defaults: string[];
  run: (...args: never[]) => Promise<void>;
}

const PLAIN: Record<string, () => Promise<PlainCommand>> = {
  flamegraph: async () => {
    const m = await import('./flamegraph.js');
    return { options: m.FLAMEGRAPH_OPTIONS, defaults: ['-'], run: m.runFlamegraph };
  },
};

/** The command line's work when commander need not read it (see plain-args.ts); null when it must. */
export async function plainCommand(argv: readonly string[]): Promise<(() => Promise<void>) | null> {
  const first = argv[0];
  if (first === undefined || !Object.hasOwn(PLAIN, first)) return null;
  const command = await PLAIN[first]!();
  const read = parsePlain(command.options, argv.slice(1), command.defaults.length);
  if (!read) return null;
  const args = command.defaults.map((d, i) => read.args[i] ?? d);
  return () => (command.run as (...a: unknown[]) => Promise<void>)(...args, read.flags);
}
