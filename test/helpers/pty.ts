/**
 * Runs the built CLI in a real pseudo-terminal (node-pty) and reads the screen as a person sees
 * it, through a headless xterm that interprets every escape sequence. Keys are written as a
 * terminal sends them.
 */
import { createRequire } from 'node:module';
import type { IPty } from 'node-pty';
import xterm from '@xterm/headless';
import { CLI } from './cli.js';

const require = createRequire(import.meta.url);
const pty = require('node-pty') as typeof import('node-pty');

export const KEYS = { tab: '\t', enter: '\r', escape: '\x1b', up: '\x1b[A', down: '\x1b[B', right: '\x1b[C', left: '\x1b[D', ctrlC: '\x03' } as const;

export class PtyApp {
  readonly proc: IPty;
  readonly term: xterm.Terminal;
  /** Everything the program wrote, escape sequences included. */
  raw = '';
  readonly exited: Promise<{ exitCode: number; signal?: number }>;

  constructor(args: string[], o: { cols?: number; rows?: number; cwd?: string; env?: Record<string, string> } = {}) {
    const cols = o.cols ?? 140;
    const rows = o.rows ?? 40;
    const env: Record<string, string> = {};
    for (const [k, v] of Object.entries(process.env)) if (v !== undefined) env[k] = v;
    // With CI set, Ink writes only its last frame: run the terminal as a person's would be.
    delete env.CI;
    Object.assign(env, { TERM: 'xterm-256color' }, o.env);
    this.term = new xterm.Terminal({ cols, rows, allowProposedApi: true });
    this.proc = pty.spawn(process.execPath, [CLI, ...args], { name: 'xterm-256color', cols, rows, cwd: o.cwd, env });
    this.proc.onData((d) => {
      this.raw += d;
      this.term.write(d);
    });
    this.exited = new Promise((r) => this.proc.onExit(r));
  }

  get pid(): number {
    return this.proc.pid;
  }

  /** The screen's text, one string per row, trailing spaces cut. */
  async lines(): Promise<string[]> {
    await new Promise<void>((r) => this.term.write('', r));
    const b = this.term.buffer.active;
    const out: string[] = [];
    for (let y = 0; y < this.term.rows; y++) out.push(b.getLine(b.viewportY + y)?.translateToString(true) ?? '');
    return out;
  }

  async screen(): Promise<string> {
    return (await this.lines()).join('\n');
  }

  /** Waits until the screen matches, or fails with the screen in the message. */
  async waitFor(what: RegExp | ((screen: string) => boolean), timeoutMs = 15_000): Promise<string> {
    const test = typeof what === 'function' ? what : (s: string) => what.test(s);
    const end = Date.now() + timeoutMs;
    let s = '';
    while (Date.now() < end) {
      s = await this.screen();
      if (test(s)) return s;
      await new Promise((r) => setTimeout(r, 100));
    }
    throw new Error(`screen did not show ${String(what)} within ${timeoutMs} ms; it shows:\n${s}`);
  }

  press(keys: string): void {
    this.proc.write(keys);
  }

  resize(cols: number, rows: number): void {
    this.proc.resize(cols, rows);
    this.term.resize(cols, rows);
  }

  /**
   * Ends the program if a test failed half-way: SIGTERM (its one shutdown path removes what it
   * started), then SIGKILL by pid if it is still there after the grace time.
   */
  async close(graceMs = 20_000): Promise<void> {
    if (!alive(this.proc.pid)) return;
    process.kill(this.proc.pid, 'SIGTERM');
    const gone = await Promise.race([this.exited.then(() => true), new Promise<boolean>((r) => setTimeout(() => r(false), graceMs))]);
    if (!gone && alive(this.proc.pid)) process.kill(this.proc.pid, 'SIGKILL');
  }
}

export function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}
