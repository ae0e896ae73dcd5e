/** Starts the built CLI's `ctrscope serve` on a free port and waits until it says where it serves. */
import { startCli } from './cli.js';

/** Waits until `read()` (stderr so far) matches `re`; rejects when `ended` resolves first or after ms. */
export async function waitForText(read: () => string, re: RegExp, ended: Promise<unknown>, ms = 30_000): Promise<RegExpExecArray> {
  let over = false;
  void ended.then(() => (over = true));
  const end = Date.now() + ms;
  for (;;) {
    const m = re.exec(read());
    if (m) return m;
    if (over) throw new Error(`exited before printing ${re}: ${read().slice(-500)}`);
    if (Date.now() > end) throw new Error(`no ${re} within ${ms} ms: ${read().slice(-500)}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

export async function startServe(args: string[] = []) {
  const run = startCli(['serve', '--listen', '127.0.0.1:0', ...args]);
  let err = '';
  run.child.stderr!.on('data', (c) => (err += c));
  const m = await waitForText(() => err, /serving http:\/\/127\.0\.0\.1:(\d+)\/metrics/, run.done);
  return { ...run, port: Number(m[1]), stderr: () => err };
}
