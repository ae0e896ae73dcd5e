/**
 * Helper processes whose syscalls a test knows exactly (test/bin/*.py): each prints "ready",
 * does its work on SIGUSR1, and prints "done".
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { REPO } from './cli.js';

export interface Helper {
  child: ChildProcess;
  /** Resolves once it printed "ready". */
  ready: Promise<void>;
  /** Sends SIGUSR1; resolves on the next "done". */
  burst: () => Promise<void>;
}

/** Starts test/bin/SCRIPT with python3. */
export function scriptHelper(script: string, args: string[] = []): Helper {
  const child = spawn('python3', [`${REPO}test/bin/${script}`, ...args], { stdio: ['ignore', 'pipe', 'inherit'] });
  let out = '';
  let done = 0;
  const waiters: Array<[string, number, () => void]> = [];
  const count = (word: string) => out.split(word).length - 1;
  child.stdout!.on('data', (c) => {
    out += c;
    for (const [word, n, resolve] of waiters.splice(0)) {
      if (count(word) >= n) resolve();
      else waiters.push([word, n, resolve]);
    }
  });
  const waitWord = (word: string, n: number) => new Promise<void>((r) => (count(word) >= n ? r() : waiters.push([word, n, r])));
  return {
    child,
    ready: waitWord('ready', 1),
    burst: () => {
      child.kill('SIGUSR1');
      return waitWord('done', ++done);
    },
  };
}

/** syscall-burst.py: each burst makes N getppid calls, then N short sleeps. */
export const burstHelper = (n: number): Helper => scriptHelper('syscall-burst.py', [String(n)]);
