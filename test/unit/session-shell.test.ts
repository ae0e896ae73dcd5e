/** The shell of the sessions that stay running: one stop however often asked, signals handled until it ends. */
import { describe, expect, it } from 'vitest';
import { sessionShell } from '../../src/session/session-shell.js';
import { TargetRescan, RESCAN_MS } from '../../src/session/target-rescan.js';

describe('sessionShell', () => {
  it('runs the cleanup once for q, a signal and a second signal, and resolves done with the code', async () => {
    const before = process.listenerCount('SIGTERM');
    let cleanups = 0;
    let release!: () => void;
    const slow = new Promise<void>((r) => (release = r));
    const shell = sessionShell(async () => {
      cleanups++;
      await slow;
    });
    expect(process.listenerCount('SIGTERM')).toBe(before + 1);
    const first = shell.shutdown(3);
    process.emit('SIGTERM');
    process.emit('SIGINT');
    // While the cleanup runs, a signal still finds the shell's handler (not the default exit).
    expect(process.listenerCount('SIGINT')).toBeGreaterThan(0);
    expect(process.listenerCount('SIGTERM')).toBe(before + 1);
    release();
    expect(await first).toBe(3);
    expect(await shell.done).toBe(3);
    expect(cleanups).toBe(1);
    expect(process.listenerCount('SIGTERM')).toBe(before);
  });

  it('a signal alone stops it, with code 0', async () => {
    let cleaned = false;
    const shell = sessionShell(async () => {
      cleaned = true;
    });
    process.emit('SIGHUP');
    expect(await shell.done).toBe(0);
    expect(cleaned).toBe(true);
  });

  it('a cleanup that throws still ends the session and removes the handlers', async () => {
    const before = process.listenerCount('SIGINT');
    const shell = sessionShell(async () => {
      throw new Error('tracer would not stop');
    });
    await expect(shell.shutdown()).rejects.toThrow('tracer would not stop');
    expect(await shell.done).toBe(0);
    expect(process.listenerCount('SIGINT')).toBe(before);
  });
});

describe('TargetRescan', () => {
  it('scans at the start, then only on a hint, on a stopped hinter, or after RESCAN_MS', () => {
    let t = 0;
    const r = new TargetRescan(() => t);
    const first = r.due(true);
    expect(first).not.toBeNull();
    expect(Array.isArray(first!.containerd)).toBe(true);
    t += 1000;
    expect(r.due(true)).toBeNull();
    r.hint('target-exec 12345 containerd-shim');
    expect(r.due(true)).not.toBeNull();
    t += 1000;
    expect(r.due(true)).toBeNull();
    // No tracer that reports target changes is running: every tick looks.
    expect(r.due(false)).not.toBeNull();
    t += RESCAN_MS;
    expect(r.due(true)).not.toBeNull();
    expect(r.due(true)).toBeNull();
  });
});
