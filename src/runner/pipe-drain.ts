/**
 * Reading one tracer's pipes: it spawns the tracer and reads its stdout and stderr to their ends,
 * cuts them into blocks of whole lines and hands each block over, or drops and counts it when the
 * reader is more than maxInflight bytes behind (the tracer's counter pair, drain-protocol.ts).
 * Drops are reported at most every 200 ms, and always before the tracer's 'exit'. Nothing here
 * ever waits for the reader. Lines are cut on bytes, so dropped output is never decoded.
 *
 * It runs on the drain thread (drain-worker.ts, for tracers that must never block: strace) or on
 * the main thread (drain-pool.ts drainHere, for tracers a slow reader cannot harm).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import type { Readable } from 'node:stream';
import { CONSUMED, POSTED, type DrainEvent, type DrainRequest } from './drain-protocol.js';

const NL = 0x0a;

function countLines(buf: Buffer, from = 0): number {
  let n = 0;
  for (let i = buf.indexOf(NL, from); i !== -1; i = buf.indexOf(NL, i + 1)) n++;
  return n;
}

/** How long blocks wait to go over together, and how many bytes go in one message at most. */
const BATCH_MS = 50;
const BATCH_BYTES = 256 << 10;

/** One tracer: its child process, its budget and its drop counts. */
export class PipeDrain {
  private batch: Buffer[] = [];
  private batched = 0;
  private batchKind: 'out' | 'err' | null = null;
  private batchTimer?: NodeJS.Timeout;
  private droppedBytes = 0;
  private droppedLines = 0;
  private dropTimer?: NodeJS.Timeout;
  private ended = false;

  /**
   * `send` gets this tracer's events; `counters` is its [POSTED, CONSUMED] pair. `batchMs`: how
   * long blocks wait to go over together; 0 hands each block over as it is read (the main thread:
   * there a hand-over is a call, not a message, and a batch's timer was one more wake-up per block).
   */
  constructor(
    private readonly req: DrainRequest,
    private readonly counters: Int32Array,
    private readonly deliver: (e: DrainEvent) => void,
    private readonly batchMs = BATCH_MS,
  ) {}

  start(): void {
    const [file, ...args] = this.req.argv;
    let child: ChildProcess;
    try {
      child = spawn(file!, args, { stdio: ['ignore', 'pipe', 'pipe'], env: this.req.env, detached: true });
    } catch (e) {
      this.end({ kind: 'error', message: (e as Error).message });
      return;
    }
    child.on('error', (e) => this.end({ kind: 'error', message: e.message }));
    if (child.pid === undefined) return; // 'error' follows
    this.send({ kind: 'spawned', pid: child.pid });
    const flushOut = this.read(child.stdout!, 'out');
    const flushErr = this.read(child.stderr!, 'err');
    child.on('close', (code, signal) => {
      flushOut();
      flushErr();
      this.flushBatch();
      this.reportDrops();
      this.end({ kind: 'exit', code, signal });
    });
  }

  private send(e: DrainEvent): void {
    if (!this.ended) this.deliver(e);
  }

  private end(e: DrainEvent): void {
    this.send(e);
    this.ended = true;
    clearTimeout(this.dropTimer);
  }

  private inflight(): number {
    return (Atomics.load(this.counters, POSTED) - Atomics.load(this.counters, CONSUMED)) | 0;
  }

  private drop(bytes: number, lines: number): void {
    this.droppedBytes += bytes;
    this.droppedLines += lines;
    this.dropTimer ??= setTimeout(() => this.reportDrops(), 200);
  }

  private reportDrops(): void {
    clearTimeout(this.dropTimer);
    this.dropTimer = undefined;
    if (this.droppedBytes === 0) return;
    this.send({ kind: 'dropped', bytes: this.droppedBytes, lines: this.droppedLines });
    this.droppedBytes = 0;
    this.droppedLines = 0;
  }

  /**
   * Hands over a block of lines, or drops it when the main thread is too far behind. Blocks that
   * arrive within BATCH_MS of each other go over as one message: a tracer that writes a line at a
   * time (bpftrace's printf events) would otherwise cost a message, and a wake-up of the main
   * thread, per line. The pipe is read on all the same; only the hand-over waits.
   */
  private emit(kind: 'out' | 'err', block: Buffer, lines: number): void {
    const bytes = block.length;
    if (bytes === 0) return;
    if (this.inflight() + this.batched + bytes > this.req.maxInflight) {
      this.drop(bytes, lines);
      return;
    }
    if (this.batchKind !== null && this.batchKind !== kind) this.flushBatch();
    this.batchKind = kind;
    this.batch.push(block);
    this.batched += bytes;
    if (this.batched >= BATCH_BYTES || this.batchMs === 0) this.flushBatch();
    else this.batchTimer ??= setTimeout(() => this.flushBatch(), this.batchMs);
  }

  /** Sends what the batch holds. */
  flushBatch(): void {
    clearTimeout(this.batchTimer);
    this.batchTimer = undefined;
    const kind = this.batchKind;
    if (kind === null || this.batched === 0) return;
    const block = this.batch.length === 1 ? this.batch[0]! : Buffer.concat(this.batch);
    const bytes = this.batched;
    this.batch = [];
    this.batched = 0;
    this.batchKind = null;
    Atomics.add(this.counters, POSTED, bytes);
    this.send({ kind, text: block.toString('utf8'), bytes });
  }

  /** Reads one pipe to its end; returns the flush for its last, unterminated line. */
  private read(stream: Readable, kind: 'out' | 'err'): () => void {
    const max = this.req.maxInflight;
    let rest: Buffer[] = []; // the line being read, not yet ended by "\n"
    let restBytes = 0;
    // A line longer than the whole budget is dropped (counted once), up to its "\n".
    let skipping = false;
    stream.on('data', (chunk: Buffer) => {
      const cut = chunk.lastIndexOf(NL);
      if (cut === -1) {
        if (skipping) return this.drop(chunk.length, 0);
        rest.push(chunk);
        restBytes += chunk.length;
        if (restBytes > max) {
          this.drop(restBytes, 1);
          rest = [];
          restBytes = 0;
          skipping = true;
        }
        return;
      }
      let head = chunk.subarray(0, cut + 1);
      if (skipping) {
        const first = chunk.indexOf(NL);
        this.drop(first + 1, 0);
        head = chunk.subarray(first + 1, cut + 1);
        skipping = false;
      }
      const block = restBytes > 0 ? Buffer.concat([...rest, head]) : head;
      this.emit(kind, block, countLines(head));
      rest = cut + 1 < chunk.length ? [chunk.subarray(cut + 1)] : [];
      restBytes = chunk.length - cut - 1;
    });
    return () => {
      if (restBytes > 0) this.emit(kind, Buffer.concat(rest), 1);
      rest = [];
      restBytes = 0;
    };
  }
}
