/**
 * The main-thread side of the one drain thread that all tracers share (drain-worker.ts).
 *
 * Why one thread: a worker per tracer meant one V8 heap per tracer (the live view runs 6-10 of
 * them). The drain thread spawns every tracer and reads every pipe, so a busy main thread still
 * never leaves a tracer blocked on a full pipe. It is started with the first tracer and ended
 * when the last one has exited, so it never keeps ctrscope alive.
 *
 * Backpressure is lock-free and per tracer: each tracer gets its own SharedArrayBuffer of two
 * Int32 counters, [POSTED] bytes the drain thread handed over and [CONSUMED] bytes the main
 * thread has taken (both wrap; their difference is what is in flight). The drain thread only
 * reads CONSUMED and drops a block when handing it over would put more than maxInflight bytes in
 * flight; it never waits for the main thread.
 */
import { Worker } from 'node:worker_threads';
import { CONSUMED, type DrainEvent, type DrainRequest, type FromDrain, type ToDrain } from './drain-protocol.js';
import { PipeDrain } from './pipe-drain.js';

export type { DrainEvent, DrainRequest } from './drain-protocol.js';

/** A tracer handed to the drain thread. */
export interface Drained {
  /** Gives back `bytes` of this tracer's output budget once they were handled. */
  consumed(bytes: number): void;
}

interface Sink {
  onEvent: (e: DrainEvent) => void;
  pid?: number;
}

function workerUrl(): URL {
  return new URL('./drain-worker.js', import.meta.url);
}

class DrainPool {
  private worker?: Worker;
  private readonly sinks = new Map<number, Sink>();
  private nextId = 1;

  run(req: DrainRequest, onEvent: (e: DrainEvent) => void): Drained {
    const id = this.nextId++;
    const shared = new SharedArrayBuffer(2 * Int32Array.BYTES_PER_ELEMENT);
    const counters = new Int32Array(shared);
    this.sinks.set(id, { onEvent });
    const msg: ToDrain = { kind: 'spawn', id, shared, ...req };
    this.thread().postMessage(msg);
    return { consumed: (bytes) => void Atomics.add(counters, CONSUMED, bytes) };
  }

  /** Threads the pool runs right now (0 or 1). */
  get threads(): number {
    return this.worker ? 1 : 0;
  }

  private thread(): Worker {
    if (this.worker) return this.worker;
    const w = new Worker(workerUrl());
    w.on('message', (m: FromDrain) => this.dispatch(m));
    w.on('error', (e) => this.lost(w, `runner: drain thread failed: ${e.message}`));
    w.on('exit', (code) => this.lost(w, `runner: drain thread exited (code ${code})`));
    this.worker = w;
    return w;
  }

  private dispatch(m: FromDrain): void {
    const sink = this.sinks.get(m.id);
    if (!sink) return;
    const { id, ...event } = m;
    const last = event.kind === 'exit' || event.kind === 'error';
    if (event.kind === 'spawned') sink.pid = event.pid;
    if (last) this.sinks.delete(id);
    try {
      sink.onEvent(event);
    } finally {
      if (last && this.sinks.size === 0) this.end();
    }
  }

  /** No tracer left: end the thread (a tracer started later gets a new one). */
  private end(): void {
    const w = this.worker;
    this.worker = undefined;
    void w?.terminate();
  }

  /**
   * The drain thread died under live tracers. Nobody reads their pipes any more, so they are
   * killed (a blocked strace would hold its targets) and each gets `why` as its last event.
   */
  private lost(w: Worker, why: string): void {
    if (w !== this.worker) return;
    this.worker = undefined;
    const sinks = [...this.sinks.values()];
    this.sinks.clear();
    for (const s of sinks) {
      if (!s.pid) continue;
      try {
        process.kill(s.pid, 'SIGKILL');
      } catch {
        // already gone
      }
    }
    for (const s of sinks) s.onEvent({ kind: 'error', message: why });
  }
}

const pool = new DrainPool();

/**
 * Where a tracer's pipes are read: 'thread', the shared drain thread (a busy main thread never
 * blocks the tracer: what strace needs, since a blocked strace holds its targets stopped), or
 * 'main', this thread (no second V8 heap, no message per block: for a long-running tracer whose
 * blocking harms nobody but itself — bpftrace's kernel side counts on while it waits to write).
 */
export type ReadOn = 'thread' | 'main';

/** Spawns a tracer whose pipes are read on `on`; `onEvent` gets its events on the main thread. */
export function drain(req: DrainRequest, onEvent: (e: DrainEvent) => void, on: ReadOn = 'thread'): Drained {
  if (on === 'thread') return pool.run(req, onEvent);
  const counters = new Int32Array(2);
  // Handed over as read: on this thread a block costs a call, and a batch timer one more wake-up.
  new PipeDrain(req, counters, onEvent, 0).start();
  return { consumed: (bytes) => void (counters[CONSUMED] = (counters[CONSUMED]! + bytes) | 0) };
}

/** How many drain threads run now (0 or 1), for tests and diagnostics. */
export function drainThreads(): number {
  return pool.threads;
}
