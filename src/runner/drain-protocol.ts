/**
 * The messages between the main thread (drain-pool.ts) and the drain thread (drain-worker.ts),
 * and the layout of each tracer's counter pair. Its own module so that the drain thread loads
 * nothing of the main thread's side.
 */

/** Slots of a tracer's counter pair. */
export const POSTED = 0;
export const CONSUMED = 1;

/** What one tracer needs from the drain thread. argv[0] is run directly, never through a shell. */
export interface DrainRequest {
  argv: string[];
  env: Record<string, string>;
  /** Bytes in flight (handed over, not yet consumed) above which blocks are dropped. */
  maxInflight: number;
}

/** Main thread → drain thread. */
export type ToDrain = DrainRequest & { kind: 'spawn'; id: number; shared: SharedArrayBuffer };

/** What the drain thread reports about one tracer; 'exit' or 'error' is its last event. */
export type DrainEvent =
  | { kind: 'spawned'; pid: number }
  /** Whole lines of stdout / stderr; `bytes` is their UTF-8 length, to give back via consumed(). */
  | { kind: 'out'; text: string; bytes: number }
  | { kind: 'err'; text: string; bytes: number }
  | { kind: 'dropped'; bytes: number; lines: number }
  | { kind: 'error'; message: string }
  | { kind: 'exit'; code: number | null; signal: string | null };

/** Drain thread → main thread. */
export type FromDrain = DrainEvent & { id: number };
