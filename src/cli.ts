#!/usr/bin/env node
/** ctrscope's entry: parses the command line and turns every failure into one line and an exit code. */
import { Command, CommanderError } from 'commander';
import { CtrscopeError, ExitCode } from './errors.js';
import { registerCommands } from './commands/index.js';
import { VERSION } from './version.js';

export async function main(argv: string[]): Promise<number> {
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
  if (err instanceof CommanderError) {
    if (err.code === 'commander.helpDisplayed' || err.code === 'commander.version' || err.code === 'commander.help') return 0;
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
