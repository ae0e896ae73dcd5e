/**
 * The drain thread: one worker thread for all tracers that ask for it (started by drain-pool.ts).
 * It spawns each tracer and reads its pipes all the time (pipe-drain.ts), so a busy or stalled
 * main thread never leaves a tracer blocked on a full pipe (a blocked strace keeps containerd's
 * threads stopped).
 */
import { parentPort } from 'node:worker_threads';
import type { ToDrain } from './drain-protocol.js';
import { PipeDrain } from './pipe-drain.js';

const port = parentPort!;

port.on('message', (m: ToDrain) => {
  if (m.kind === 'spawn') new PipeDrain(m, new Int32Array(m.shared), (e) => port.postMessage({ id: m.id, ...e })).start();
});
