/**
 * Large stdout writes (an SVG, a diff) into a pipe that may close early (`| head`): writeStdout
 * rejects with EPIPE, which the CLI ignores, but the socket then emits 'error' again with no
 * listener and Node would crash; a lasting listener swallows EPIPE (and only EPIPE).
 */
import { writeStdout } from '../output/stdout.js';

let guarded = false;

export function writeStdoutPiped(data: string | Uint8Array): Promise<void> {
  if (!guarded) {
    guarded = true;
    process.stdout.on('error', (err: NodeJS.ErrnoException) => {
      // Why swallowed: the reader went away; there is nobody left to tell.
      if (err.code !== 'EPIPE') throw err;
    });
  }
  return writeStdout(data);
}
