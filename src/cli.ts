#!/usr/bin/env node
/** ctrscope's entry: parses the command line and turns every failure into one line and an exit code. */
import { CtrscopeError, ExitCode } from './errors.js';
import { plainCommand, registerCommands } from './commands/index.js';
import { VERSION } from './version.js';

export async function main(argv: string[]): Promise<number> {
  // A plain `ctrscope flamegraph FILE -o OUT` runs without loading commander (commands/plain-args.ts).
  try {
    const plain = await plainCommand(argv);
    if (plain) {
      await plain();
      return typeof process.exitCode === 'number' ? process.exitCode : 0;
    }
  } catch (err) {
    return reportError(err);
  }
  const { Command } = await import('commander');
  const program = new Command('ctrscope')
    .description('Tracing for containerd hosts: syscalls, scheduler, VFS latency and hot stacks, aggregated in the kernel.')
    .version(VERSION, '-V, --version')
    // The root's options (--pid, --json, ...) only before a command: `collapse --pid` is collapse's own.
    .enablePositionalOptions()
    .exitOverride()
    .configureOutput({
      writeErr: (s) => process.stderr.write(s),
      outputError: (s, write) => write(`ctrscope: ${s.replace(/^error: /, '').trimEnd()} (see ctrscope --help)\n`),
    });
  await registerCommands(program, argv);
  try {
    await program.parseAsync(argv, { from: 'user' });
    return typeof process.exitCode === 'number' ? process.exitCode : 0;
  } catch (err) {
    return reportError(err);
  }
}

/** Prints a failure as one line on stderr and returns its exit code; stack traces only with CTRSCOPE_DEBUG. */
export function reportError(err: unknown): number {
  // commander's errors (CommanderError and its subclasses) by their codes: commander is loaded only when needed.
  const code = (err as { code?: unknown } | null)?.code;
  if (err instanceof Error && typeof code === 'string' && code.startsWith('commander.')) {
    if (code === 'commander.helpDisplayed' || code === 'commander.version' || code === 'commander.help') return 0;
    return ExitCode.usage;
  }
  if (err instanceof CtrscopeError) {
    process.stderr.write(err.line() + '\n');
    return err.exitCode;
  }
  const e = err as NodeJS.ErrnoException;
  if (e && (e.code === 'EPIPE' || e.code === 'ERR_STREAM_DESTROYED')) return 0;
  process.stderr.write(`ctrscope: internal error: ${e?.message ?? String(err)} (please report it; CTRSCOPE_DEBUG=1 shows the stack)\n`);
  if (process.env.CTRSCOPE_DEBUG) process.stderr.write(String(e?.stack) + '\n');
  return ExitCode.internal;
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (err) => {
    process.exitCode = reportError(err);
  },
);
