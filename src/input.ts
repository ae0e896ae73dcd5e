/**
 * Opening the file (or stdin, for "-") a person gives a command that reads tracer output, and saying
 * plainly what is wrong with it: missing, a directory, unreadable, a terminal, binary.
 */
import type { Readable } from 'node:stream';
import { CtrscopeError, usageError } from './errors.js';

/** What the command reads, for the hints: e.g. "perf script output". */
export interface InputKind {
  command: string;
  reads: string;
  /** An example of feeding it, shown when stdin is a terminal. */
  example: string;
}

/** A stream of the file's bytes (64 KiB chunks unless asked), or stdin for "-". */
export async function openInput(file: string, kind: InputKind, highWaterMark?: number): Promise<Readable> {
  if (file === '-') {
    if (process.stdin.isTTY) throw usageError(`${kind.command} reads ${kind.reads} from FILE or stdin, and stdin is a terminal`, kind.example);
    return process.stdin;
  }
  // node:fs/promises only here: a command reading a file in one go need not load it.
  const { open } = await import('node:fs/promises');
  let handle;
  try {
    handle = await open(file, 'r');
  } catch (err) {
    throw readError(file, err, kind);
  }
  if ((await handle.stat()).isDirectory()) {
    await handle.close();
    throw new CtrscopeError('input', `${file} is a directory`, `give a file of ${kind.reads}, or - for stdin`);
  }
  return handle.createReadStream(highWaterMark ? { highWaterMark } : {});
}

/** A read failure as one line for a person. */
export function readError(file: string, err: unknown, kind: InputKind): CtrscopeError {
  const code = (err as NodeJS.ErrnoException)?.code;
  const name = file === '-' ? 'stdin' : file;
  if (code === 'ENOENT') return new CtrscopeError('input', `cannot read ${name}: no such file`, 'check the path');
  if (code === 'EACCES' || code === 'EPERM') return new CtrscopeError('input', `cannot read ${name}: permission denied`, 'run as a user who may read it');
  if (code === 'EISDIR') return new CtrscopeError('input', `${name} is a directory`, `give a file of ${kind.reads}, or - for stdin`);
  return new CtrscopeError('input', `cannot read ${name}: ${code ?? (err as Error)?.message ?? String(err)}`);
}

const startsWith = (b: Uint8Array, magic: number[]) => magic.every((m, i) => b[i] === m);

/** An error when the first bytes are not text (a NUL in the first 8 KiB), naming what they are if known. */
export function binaryInput(head: Uint8Array, name: string, kind: InputKind): CtrscopeError | null {
  const probe = head.subarray(0, 8192);
  if (startsWith(probe, [0x1f, 0x8b])) return new CtrscopeError('input', `${name} is gzip-compressed`, `zcat ${name} | ctrscope ${kind.command} -`);
  if (startsWith(probe, [0x28, 0xb5, 0x2f, 0xfd])) return new CtrscopeError('input', `${name} is zstd-compressed`, `zstdcat ${name} | ctrscope ${kind.command} -`);
  if (startsWith(probe, [...Buffer.from('PERFILE2')])) {
    return new CtrscopeError('input', `${name} is a perf.data file, not text`, `perf script -i ${name} | ctrscope ${kind.command} -`);
  }
  if (!probe.includes(0)) return null;
  return new CtrscopeError('input', `${name} holds binary data, not tracer text output`, `${kind.command} reads ${kind.reads}`);
}

/** The input's chunks, refused (binaryInput's error, thrown) when its first chunk is not text. */
export async function* textChunks(input: AsyncIterable<Buffer>, name: string, kind: InputKind): AsyncGenerator<Buffer> {
  let first = true;
  for await (const chunk of input) {
    if (first) {
      first = false;
      const bad = binaryInput(chunk, name, kind);
      if (bad) throw bad;
    }
    yield chunk;
  }
}
