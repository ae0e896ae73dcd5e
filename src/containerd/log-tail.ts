/**
 * containerd's log followed cheaply, for the live view and diagnose: take() hands back the whole
 * lines added since the last call. A file is read from where the last take() stopped (one stat
 * and one read of the appended bytes per call: no process, no watcher, no timer of its own), across
 * a rotation (renamed and recreated: the old file to its end, then the new one from its start;
 * truncated: from the start). journald is one `journalctl -f -o json` child (src/runner) whose
 * lines are buffered until taken. A line longer than MAX_LINE is cut to MAX_LINE + 1 characters
 * (the parser counts it as huge) and the rest dropped up to its newline, so memory stays bounded.
 * Written by hand rather than with a tail library: what is needed is pull (on the caller's tick),
 * not the push of fs.watch-based tails.
 */
import { closeSync, fstatSync, openSync, readSync, statSync } from 'node:fs';
import { StringDecoder } from 'node:string_decoder';
import { MAX_LINE } from '../../parsers/containerd-log.js';
import type { LogSource } from './log-source.js';
import { journalctl } from '../runner/journalctl.js';

export interface LogTail {
  /** Whole lines (each ending in \n) since the last call; '' when none. */
  take(): Promise<string>;
  stop(): Promise<void>;
  readonly rotations: number;
}

export interface TailOptions {
  /** Start this many bytes before the end (whole lines only), to show what was logged just before. Default 0. */
  backlogBytes?: number;
  /** journald: start with this many of the unit's latest entries. Default 0. */
  backlogEntries?: number;
  /** Most bytes one take() reads from a file (the rest waits for the next). Default 16 MiB. */
  maxTakeBytes?: number;
}

/** Cuts text into whole lines, holding back the unterminated end and cutting huge lines. */
class WholeLines {
  private partial = '';
  private dropping = false;

  push(text: string): string {
    let out = '';
    let from = 0;
    for (;;) {
      const nl = text.indexOf('\n', from);
      if (nl === -1) break;
      const piece = text.slice(from, nl);
      if (this.dropping) this.dropping = false;
      else out += (this.partial + piece).slice(0, MAX_LINE + 1) + '\n';
      this.partial = '';
      from = nl + 1;
    }
    if (!this.dropping) {
      this.partial += text.slice(from);
      if (this.partial.length > MAX_LINE) {
        out += this.partial.slice(0, MAX_LINE + 1) + '\n';
        this.partial = '';
        this.dropping = true;
      }
    }
    return out;
  }

  /** The unterminated end as a line of its own (a rotation ended it). */
  flush(): string {
    const p = this.partial;
    this.partial = '';
    this.dropping = false;
    return p ? p + '\n' : '';
  }
}

class FileTail implements LogTail {
  private fd: number | null = null;
  private ino = 0;
  private pos = 0;
  private decoder = new StringDecoder('utf8');
  private readonly lines = new WholeLines();
  private readonly buf: Buffer;
  rotations = 0;

  constructor(
    private readonly path: string,
    private readonly o: TailOptions,
  ) {
    // 64 KiB a read: containerd under a start loop appends ~15 KB a second.
    this.buf = Buffer.alloc(1 << 16);
  }

  // The file is read with synchronous calls: a local file's appended bytes come back at once, and
  // each asynchronous call was a trip through libuv's thread pool and one more wake-up of the
  // process (three a second: read, the read that found the end, stat).
  private reopen(): void {
    this.close();
    this.fd = openSync(this.path, 'r');
    this.ino = fstatSync(this.fd).ino;
    this.pos = 0;
    this.decoder = new StringDecoder('utf8');
  }

  private close(): void {
    if (this.fd !== null) closeSync(this.fd);
    this.fd = null;
  }

  private start(): void {
    this.reopen();
    const size = fstatSync(this.fd!).size;
    const back = this.o.backlogBytes ?? 0;
    if (back <= 0 || size === 0) {
      this.pos = size;
      return;
    }
    this.pos = Math.max(0, size - back);
    if (this.pos > 0) {
      // Skip to the first whole line of the backlog.
      const bytesRead = readSync(this.fd!, this.buf, 0, Math.min(this.buf.length, size - this.pos), this.pos);
      const nl = this.buf.subarray(0, bytesRead).indexOf(0x0a);
      this.pos = nl === -1 ? size : this.pos + nl + 1;
    }
  }

  /** Reads from pos to the file's end as fstat gives it (at most `budget` bytes); returns the bytes read. */
  private drain(budget: number, into: string[]): number {
    let read = 0;
    const end = fstatSync(this.fd!).size;
    while (read < budget && this.pos < end) {
      const bytesRead = readSync(this.fd!, this.buf, 0, Math.min(this.buf.length, budget - read, end - this.pos), this.pos);
      if (bytesRead === 0) break;
      this.pos += bytesRead;
      read += bytesRead;
      into.push(this.lines.push(this.decoder.write(this.buf.subarray(0, bytesRead))));
    }
    return read;
  }

  async take(): Promise<string> {
    if (this.fd === null) {
      this.start();
      if ((this.o.backlogBytes ?? 0) <= 0) return '';
    }
    const out: string[] = [];
    const budget = this.o.maxTakeBytes ?? 16 << 20;
    const read = this.drain(budget, out);
    if (read < budget) {
      let now: { ino: number; size: number } | null = null;
      try {
        now = statSync(this.path);
      } catch {
        // Between rename and create there is no file yet: look again next time.
      }
      if (now && (now.ino !== this.ino || now.size < this.pos)) {
        this.rotations++;
        if (now.ino !== this.ino) this.drain(Number.MAX_SAFE_INTEGER, out);
        out.push(this.lines.push(this.decoder.end()), this.lines.flush());
        this.reopen();
        this.drain(budget, out);
      }
    }
    return out.join('');
  }

  async stop(): Promise<void> {
    this.close();
  }
}

class JournalTail implements LogTail {
  private pending: string[] = [];
  private readonly j;
  readonly rotations = 0;

  constructor(source: Extract<LogSource, { kind: 'journald' }>, o: TailOptions) {
    this.j = journalctl({ name: source.unit, match: source.match, directory: source.directory }, { follow: true, lines: o.backlogEntries ?? 0, readOn: 'main' });
    // The child's output is cut to MAX_LINE + 1 as a file's is.
    this.j.start({ onStdoutLine: (l) => this.pending.push(l.length > MAX_LINE ? l.slice(0, MAX_LINE + 1) : l) });
  }

  async take(): Promise<string> {
    const x = this.j.exited;
    if (x && this.pending.length === 0) throw new Error(`journalctl exited (${x.signal ?? `code ${x.code}`})${x.watchdog ? `: ${x.watchdog}` : x.stderrTail.at(-1) ? `: ${x.stderrTail.at(-1)}` : ''}`);
    const out = this.pending.length ? this.pending.join('\n') + '\n' : '';
    this.pending = [];
    return out;
  }

  async stop(): Promise<void> {
    await this.j.stop();
  }
}

/** Follows the source from now (plus the backlog asked for). */
export function tailLog(source: LogSource, o: TailOptions = {}): LogTail {
  // stdout and stderr are most often one file; when they are two, the last is followed (as `logs --follow` does).
  return source.kind === 'file' ? new FileTail(source.paths.at(-1)!, o) : new JournalTail(source, o);
}
