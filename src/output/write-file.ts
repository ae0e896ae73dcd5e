/**
 * Writes an output file safely: never through a symlink, never over an existing file without
 * force, and atomically (a temporary file in the same directory, then rename).
 */
import { lstatSync, statSync, openSync, readSync, writeSync, closeSync, renameSync, unlinkSync, fsyncSync, constants } from 'node:fs';
import { dirname, basename, join } from 'node:path';
import { CtrscopeError } from '../errors.js';

export function checkOutputPath(path: string, force: boolean): void {
  if (path.length === 0 || path.includes('\0')) throw new CtrscopeError('usage', 'the output path is empty or holds a NUL byte', 'name a file');
  const dir = dirname(path);
  let dst;
  try {
    dst = statSync(dir);
  } catch {
    throw new CtrscopeError('output', `cannot write in ${dir}: no such directory`, 'create it first, or name another place');
  }
  if (!dst.isDirectory()) throw new CtrscopeError('output', `cannot write in ${dir}: not a directory`, 'name a file in a directory');
  let st;
  try {
    st = lstatSync(path);
  } catch {
    return; // does not exist: fine
  }
  if (st.isSymbolicLink()) throw new CtrscopeError('output', `${path} is a symbolic link; ctrscope does not write through links`, 'name a regular file');
  if (st.isDirectory()) throw new CtrscopeError('output', `${path} is a directory`, 'name a file inside it');
  if (!force) throw new CtrscopeError('output', `${path} already exists`, 'use --force to replace it, or name another file');
}

/**
 * 6 random bytes in hex, from the kernel's /dev/urandom: node:crypto's randomBytes would load
 * node:crypto, 15 ms of CPU and 200 page faults a run (for `ctrscope flamegraph`, a twentieth of it).
 */
function randomHex(): string {
  const bytes = Buffer.alloc(6);
  const fd = openSync('/dev/urandom', 'r');
  try {
    readSync(fd, bytes, 0, bytes.length, null);
  } finally {
    closeSync(fd);
  }
  return bytes.toString('hex');
}

export function writeFileAtomic(path: string, data: string | Uint8Array, force: boolean): void {
  checkOutputPath(path, force);
  const tmp = join(dirname(path), `.${basename(path)}.${randomHex()}.tmp`);
  let fd: number;
  try {
    fd = openSync(tmp, constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL | constants.O_NOFOLLOW, 0o644);
  } catch (e) {
    throw new CtrscopeError('output', `cannot write in ${dirname(path)}: ${(e as Error).message.replace(/^[A-Z]+: /, '')}`, 'check that the directory exists and is writable');
  }
  try {
    writeSync(fd, typeof data === "string" ? Buffer.from(data) : data);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  try {
    // A file created under this name since the check must not be replaced silently.
    checkOutputPath(path, force);
    renameSync(tmp, path);
  } catch (e) {
    try {
      unlinkSync(tmp);
    } catch {
      // already gone
    }
    throw e;
  }
}
