/**
 * A subcommand's command line read without commander, in the plain cases: options the command
 * has (a value, when the option takes one, as the next argument and not starting with "-"), "-"
 * for stdin, and at most `maxArgs` arguments. Anything else (help, an option it does not have,
 * "--", "--opt=value", grouped or attached short flags) is null: commander reads that, with its
 * messages. Loading commander cost about 35 ms of CPU and 600 page faults a run, more than a
 * tenth of drawing a 45 MB flame graph (`ctrscope flamegraph`).
 */

/** commander's flags string ("-o, --output <file>", "--hash") and the option's help. */
export type OptionSpec = readonly [flags: string, help: string];

export interface PlainArgs {
  args: string[];
  /** As commander names them: the long flag in camelCase; true for a flag without a value. */
  flags: Record<string, string | true>;
}

const SPEC = /^(?:-([A-Za-z]), )?--([a-z][a-z0-9-]*)( <[^>]+>)?$/;

export function parsePlain(options: readonly OptionSpec[], argv: readonly string[], maxArgs: number): PlainArgs | null {
  const byFlag = new Map<string, { name: string; value: boolean }>();
  for (const [flags] of options) {
    const m = SPEC.exec(flags);
    if (!m) return null;
    const option = { name: m[2]!.replace(/-([a-z])/g, (_, c: string) => c.toUpperCase()), value: m[3] !== undefined };
    if (m[1]) byFlag.set(`-${m[1]}`, option);
    byFlag.set(`--${m[2]}`, option);
  }
  const out: PlainArgs = { args: [], flags: {} };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (a === '-' || !a.startsWith('-')) {
      out.args.push(a);
      continue;
    }
    const option = byFlag.get(a);
    if (!option) return null;
    if (!option.value) {
      out.flags[option.name] = true;
      continue;
    }
    const v = argv[++i];
    if (v === undefined || v.startsWith('-')) return null;
    out.flags[option.name] = v;
  }
  return out.args.length <= maxArgs ? out : null;
}
