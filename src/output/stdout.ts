/**
 * Writes to stdout and waits: a closed pipe (`| head`) comes back as an EPIPE error the CLI
 * ignores. After a rejected write the stream emits 'error' again, with no listener Node would
 * crash: one lasting listener swallows EPIPE (and only EPIPE).
 */
let guarded = false;

export function writeStdout(data: string | Uint8Array): Promise<void> {
  if (!guarded) {
    guarded = true;
    process.stdout.on('error', (err: NodeJS.ErrnoException) => {
      // Why swallowed: the reader went away; there is nobody left to tell.
      if (err.code !== 'EPIPE') throw err;
    });
  }
  return new Promise((resolve, reject) => {
    const onError = (err: Error) => reject(err);
    process.stdout.once('error', onError);
    process.stdout.write(data, (err) => {
      process.stdout.off('error', onError);
      if (err) reject(err);
      else resolve();
    });
  });
}
