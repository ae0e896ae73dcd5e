/**
 * Runs one tracer in a worker thread and drains its output there, so a busy or stalled main
 * thread never leaves the tracer blocked on a full pipe (a blocked strace keeps containerd's
 * threads stopped). Output goes to the main thread in blocks of whole lines; when the main
 * thread has more than `maxInflight` bytes not yet taken, blocks are dropped and counted.
 *
 * Messages to the parent:
 *   { kind: 'spawned', pid }            { kind: 'out', text }          { kind: 'err', text }
 *   { kind: 'dropped', bytes, lines }   { kind: 'exit', code, signal }  { kind: 'error', message }
 * shared[0] is bytes posted, shared[1] bytes the parent has consumed (Int32, wraps safely).
 */
import { parentPort, workerData } from 'node:worker_threads';
import { spawn } from 'node:child_process';

interface WorkerInput {
  argv: string[];
  env: Record<string, string>;
  shared: SharedArrayBuffer;
  maxInflight: number;
  raw: boolean;
}

const input = workerData as WorkerInput;
const counters = new Int32Array(input.shared);
const port = parentPort!;

const [file, ...args] = input.argv;
const child = spawn(file!, args, { stdio: ['ignore', 'pipe', 'pipe'], env: input.env, detached: true });
child.on('error', (e) => port.postMessage({ kind: 'error', message: e.message }));
if (child.pid) port.postMessage({ kind: 'spawned', pid: child.pid });

let droppedBytes = 0;
let droppedLines = 0;
let dropTimer: NodeJS.Timeout | undefined;

function inflight(): number {
  return (Atomics.load(counters, 0) - Atomics.load(counters, 1)) | 0;
}

function reportDrops(): void {
  dropTimer = undefined;
  if (droppedBytes === 0) return;
  port.postMessage({ kind: 'dropped', bytes: droppedBytes, lines: droppedLines });
  droppedBytes = 0;
  droppedLines = 0;
}

function emit(kind: 'out' | 'err', text: string): void {
  const bytes = Buffer.byteLength(text);
  if (inflight() + bytes > input.maxInflight) {
    droppedBytes += bytes;
    let n = 0;
    for (let i = text.indexOf('\n'); i !== -1; i = text.indexOf('\n', i + 1)) n++;
    droppedLines += n;
    dropTimer ??= setTimeout(reportDrops, 200);
    return;
  }
  Atomics.add(counters, 0, bytes);
  port.postMessage({ kind, text, bytes });
}

/** Reads a pipe all the time and passes on blocks of whole lines (strace writes its trace to stderr). */
function drain(stream: NodeJS.ReadableStream, kind: 'out' | 'err'): () => void {
  let rest = '';
  stream.setEncoding('utf8');
  stream.on('data', (chunk: string) => {
    if (kind === 'out' && input.raw) port.postMessage({ kind: 'raw', text: chunk });
    const cut = chunk.lastIndexOf('\n');
    if (cut === -1) {
      rest += chunk;
      // A line longer than the whole budget is dropped rather than held forever.
      if (rest.length > input.maxInflight) {
        emit(kind, rest + '\n');
        rest = '';
      }
      return;
    }
    const block = rest + chunk.slice(0, cut + 1);
    rest = chunk.slice(cut + 1);
    emit(kind, block);
  });
  return () => {
    if (rest) emit(kind, rest);
    rest = '';
  };
}

const flushOut = drain(child.stdout!, 'out');
const flushErr = drain(child.stderr!, 'err');
child.on('close', (code, signal) => {
  flushOut();
  flushErr();
  reportDrops();
  port.postMessage({ kind: 'exit', code, signal });
});
