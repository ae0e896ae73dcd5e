/**
 * Reads a log file through split2 (the project's line splitter for streams) into a line sink:
 * the whole file, then, with follow, what is appended, polling its size and inode, so a rotation
 * (rename + new file, or copytruncate) is read across: the old file to its end, then the new one
 * from its start. Lines over MAX_SPLIT bytes are skipped by split2 (skipOverflow) and counted here.
 */
import { open, stat, type FileHandle } from 'node:fs/promises';
import { setTimeout as sleep } from 'node:timers/promises';
import split2 from 'split2';

export const MAX_SPLIT = 4 * 1024 * 1024;

export interface FileReadStats {
  bytes: number;
  rotations: number;
  /** Lines longer than MAX_SPLIT, skipped without being split out. */
  overflowLines: number;
}

/** Reads `path` into sink.line; with follow, keeps reading until signal aborts. */
export async function readLogFile(path: string, sink: (line: string) => void, opts: { follow: boolean; signal?: AbortSignal; pollMs?: number; onCaughtUp?: () => void }): Promise<FileReadStats> {
  const stats: FileReadStats = { bytes: 0, rotations: 0, overflowLines: 0 };
  // skipOverflow is split2's (since 3.2); its @types lack it.
  const splitter = split2({ maxLength: MAX_SPLIT, skipOverflow: true } as split2.Options);
  splitter.on('data', (l: string) => sink(l));
  const ended = new Promise<void>((r) => splitter.on('end', r));
  const buf = Buffer.alloc(1 << 20);
  let lastByte = 0x0a;
  // split2's transform is synchronous: its overflow flag is current right after write().
  const write = (chunk: Buffer | string) => {
    const before = (splitter as unknown as { overflow: boolean }).overflow;
    splitter.write(chunk);
    if (!before && (splitter as unknown as { overflow: boolean }).overflow) stats.overflowLines++;
  };
  const drain = async (fh: FileHandle, from: number): Promise<number> => {
    let pos = from;
    for (;;) {
      const { bytesRead } = await fh.read(buf, 0, buf.length, pos);
      if (bytesRead === 0) return pos;
      pos += bytesRead;
      stats.bytes += bytesRead;
      lastByte = buf[bytesRead - 1]!;
      write(Buffer.from(buf.subarray(0, bytesRead)));
    }
  };
  let fh = await open(path, 'r');
  let ino = (await fh.stat()).ino;
  let pos = await drain(fh, 0);
  try {
    opts.onCaughtUp?.();
    while (opts.follow && !opts.signal?.aborted) {
      await sleep(opts.pollMs ?? 250, undefined, { signal: opts.signal }).catch(() => undefined);
      pos = await drain(fh, pos);
      const now = await stat(path).catch(() => null);
      if (!now) continue; // between rename and create
      if (now.ino !== ino || now.size < pos) {
        stats.rotations++;
        if (now.ino !== ino) {
          await drain(fh, pos);
          await fh.close();
          fh = await open(path, 'r');
          ino = (await fh.stat()).ino;
        }
        // A last line cut by the rotation ends there, not joined to the new file's first.
        if (lastByte !== 0x0a) write('\n');
        lastByte = 0x0a;
        pos = await drain(fh, 0);
      }
    }
  } finally {
    await fh.close();
    splitter.end();
    await ended;
  }
  return stats;
}
