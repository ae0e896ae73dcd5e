/** Writes to stdout and waits: a closed pipe (`| head`) comes back as an EPIPE error the CLI ignores. */
export function writeStdout(data: string | Uint8Array): Promise<void> {
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
