/** Writes a live session to DIR/session.ndjson as it happens (see record-format.ts). */
import { closeSync, constants, mkdirSync, openSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { CtrscopeError } from '../errors.js';
import { checkOutputPath } from '../output/write-file.js';
import { RECORDING_FILE, type RecordEntry, type RecordSink } from './record-format.js';

export class Recorder implements RecordSink {
  private fd: number | null;
  readonly path: string;
  private failed: string | null = null;

  /** Creates DIR if needed; refuses to replace an existing recording or to write through a link. */
  constructor(dir: string) {
    try {
      mkdirSync(dir, { recursive: true, mode: 0o755 });
    } catch (e) {
      throw new CtrscopeError('output', `cannot create ${dir}: ${(e as Error).message.replace(/^[A-Z]+: /, '')}`, 'name a directory you can write to');
    }
    this.path = join(dir, RECORDING_FILE);
    checkOutputPath(this.path, false);
    try {
      this.fd = openSync(this.path, constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL | constants.O_NOFOLLOW, 0o644);
    } catch (e) {
      throw new CtrscopeError('output', `cannot write ${this.path}: ${(e as Error).message.replace(/^[A-Z]+: /, '')}`, 'name another directory with --record');
    }
  }

  /** Why writing stopped (disk full ...), or null. */
  get error(): string | null {
    return this.failed;
  }

  write(e: RecordEntry): void {
    if (this.fd === null) return;
    try {
      writeSync(this.fd, JSON.stringify(e) + '\n');
    } catch (err) {
      // A full disk must not end the live view: stop recording and say so in the header.
      this.failed = (err as Error).message;
      this.close();
    }
  }

  close(): void {
    if (this.fd === null) return;
    const fd = this.fd;
    this.fd = null;
    closeSync(fd);
  }
}

/**
 * A file that gets one JSON line per entry written to it (CTRSCOPE_STATS_FILE: the live view's
 * own cost and frame times each second, read by npm run bench:live). A file that cannot be
 * written is left alone: the live view runs without it.
 */
export function statsFile(path: string): RecordSink {
  let fd: number | null = null;
  try {
    fd = openSync(path, constants.O_WRONLY | constants.O_CREAT | constants.O_TRUNC | constants.O_NOFOLLOW, 0o644);
  } catch {
    // Diagnostics only: no file, no stats.
  }
  return {
    write(e) {
      if (fd === null) return;
      try {
        writeSync(fd, JSON.stringify(e) + '\n');
      } catch {
        // A full disk: stop writing stats, the live view goes on.
        closeSync(fd);
        fd = null;
      }
    },
    close() {
      if (fd !== null) closeSync(fd);
      fd = null;
    },
  };
}
