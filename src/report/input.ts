/** Opening the file (or stdin) a person gave `ctrscope report`, and telling them plainly when it is not text. */
import { open } from 'node:fs/promises';
import type { Readable } from 'node:stream';
import { CtrscopeError, usageError } from '../errors.js';

const FORMATS_HINT = 'strace -o output, strace -c, perf script, perf stat -x, or bpftrace -f json';

/** A stream of the file's bytes (64 KiB chunks), or stdin for "-". */
export async function openInput(file: string): Promise<Readable> {
  if (file === '-') {
    if (process.stdin.isTTY) throw usageError('report reads a file or stdin, and stdin is a terminal', 'strace -o trace.txt ... && ctrscope report trace.txt');
    return process.stdin;
  }
  let handle;
  try {
    handle = await open(file, 'r');
  } catch (err) {
    throw readError(file, err);
  }
  if ((await handle.stat()).isDirectory()) {
    await handle.close();
    throw new CtrscopeError('input', `${file} is a directory`, `give a file: ${FORMATS_HINT}`);
  }
  return handle.createReadStream();
}

/** A read failure as one line for a person. */
export function readError(file: string, err: unknown): CtrscopeError {
  const code = (err as NodeJS.ErrnoException)?.code;
  const name = file === '-' ? 'stdin' : file;
  if (code === 'ENOENT') return new CtrscopeError('input', `cannot read ${name}: no such file`, 'check the path');
  if (code === 'EACCES' || code === 'EPERM') return new CtrscopeError('input', `cannot read ${name}: permission denied`, 'run as a user who may read it');
  if (code === 'EISDIR') return new CtrscopeError('input', `${name} is a directory`, `give a file: ${FORMATS_HINT}`);
  return new CtrscopeError('input', `cannot read ${name}: ${code ?? (err as Error)?.message ?? String(err)}`);
}

const startsWith = (b: Uint8Array, magic: number[]) => magic.every((m, i) => b[i] === m);

/** An error when the first bytes are not text (a NUL in the first 8 KiB), naming what they are if known. */
export function binaryInput(head: Uint8Array, name: string): CtrscopeError | null {
  const probe = head.subarray(0, 8192);
  if (startsWith(probe, [0x1f, 0x8b])) return new CtrscopeError('input', `${name} is gzip-compressed`, `zcat ${name} | ctrscope report -`);
  if (startsWith(probe, [0x28, 0xb5, 0x2f, 0xfd])) return new CtrscopeError('input', `${name} is zstd-compressed`, `zstdcat ${name} | ctrscope report -`);
  if (startsWith(probe, [...Buffer.from('PERFILE2')])) {
    return new CtrscopeError('input', `${name} is a perf.data file, not text`, `perf script -i ${name} | ctrscope report -`);
  }
  if (!probe.includes(0)) return null;
  return new CtrscopeError('input', `${name} holds binary data, not tracer text output`, `report reads ${FORMATS_HINT}`);
}

export { FORMATS_HINT };
