/** ProcessImages in the live view's light mode: exec lines note the kernel's file, announcements re-read rarely. */
import { describe, expect, it } from 'vitest';
import { ProcessImages } from '../../src/host/process-images.js';
import { exePath } from '../../src/targets/procfs.js';

describe('ProcessImages, light (the live view)', () => {
  it('an exec line notes the file the kernel named without reading /proc; the first stack reads it', () => {
    const light = new ProcessImages({ light: true });
    light.exec(process.pid, '/usr/bin/true');
    // Not read: the image is the kernel's word, not this process's real executable.
    expect(light.images.get(process.pid)).toMatchObject({ exe: '/usr/bin/true', comm: 'true', maps: null });
    light.record(process.pid);
    // Read at its first stack: another executable under the pid, so what /proc says wins.
    expect(light.images.get(process.pid)!.exe).toBe(exePath(process.pid));
    expect(light.images.get(process.pid)!.maps!.length).toBeGreaterThan(0);
    // The full mode reads at the exec line itself.
    const full = new ProcessImages();
    full.exec(process.pid, '/usr/bin/true');
    expect(full.images.get(process.pid)!.exe).toBe(exePath(process.pid));
  });

  it('a process announced again is read again only after six prints', () => {
    const light = new ProcessImages({ light: true });
    light.record(process.pid);
    const first = light.images.get(process.pid)!.maps;
    light.images.get(process.pid)!.maps = [];
    light.printed();
    light.record(process.pid);
    expect(light.images.get(process.pid)!.maps).toEqual([]);
    for (let i = 0; i < 6; i++) {
      light.printed();
      light.record(process.pid);
    }
    expect(light.images.get(process.pid)!.maps!.length).toBe(first!.length);
  });
});

describe("ProcessImages, live-stacks' @execs print", () => {
  it('names a process gone before it was read from the file it executed, and keeps what was read of one that ran', () => {
    const images = new ProcessImages({ light: true });
    // This process was read while it ran (its "seen" line); 2^22 + 7 is past pid_max: never a process.
    images.record(process.pid);
    const read = images.images.get(process.pid)!;
    expect(read.maps!.length).toBeGreaterThan(0);
    images.execsPrinted({ [process.pid]: '/usr/bin/true', 4194311: '/usr/bin/containerd-shim-runc-v2', x: '/bin/sh', 5: 7 });
    expect(images.images.get(process.pid)).toBe(read);
    expect(images.images.get(4194311)).toMatchObject({ exe: '/usr/bin/containerd-shim-runc-v2', comm: 'containerd-shim', maps: null });
    // Keys and values that are not a pid and a file are left alone.
    expect([...images.images.keys()].sort()).toEqual([process.pid, 4194311].sort());
    // Announced in this print: kept through the next, forgotten after.
    images.printed();
    expect(images.images.has(4194311)).toBe(true);
    images.printed();
    images.printed();
    expect(images.images.has(4194311)).toBe(false);
    images.execsPrinted(null);
    images.execsPrinted('no map');
  });
});

describe("ProcessImages, live-stacks' @announce print", () => {
  it('reads each process it names, notes one already gone, and leaves keys that are not pids alone', () => {
    const images = new ProcessImages({ light: true });
    // 2^22 + 7 is past pid_max: never a process.
    images.announced({ [process.pid]: 1, 4194311: 1, x: 1, '-3': 1 });
    expect(images.images.get(process.pid)!.exe).toBe(exePath(process.pid));
    expect(images.images.get(process.pid)!.maps!.length).toBeGreaterThan(0);
    expect(images.missed.has(4194311)).toBe(true);
    expect([...images.images.keys()]).toEqual([process.pid]);
    images.announced(null);
    images.announced('no map');
    expect([...images.images.keys()]).toEqual([process.pid]);
  });
});
