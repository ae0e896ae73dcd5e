/**
 * Edge cases of the symbolizer's pure decoders, on bytes written here (marked: hand-written) and
 * on real files of this host: bad input gives null or nothing, never a throw.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { buildId, crc32, functionSymbols, lookupSymbol, readElf } from '../../parsers/elf.js';
import { pclnVersion, readPclntab } from '../../parsers/gopclntab.js';
import { executable, mappingAt, parseExecutableMaps, parseMaps } from '../../parsers/proc-maps.js';
import { readdirSync } from 'node:fs';
import { execLine, foldStackKey, seenPid } from '../../parsers/bpftrace-stacks.js';
import { WHY } from '../../parsers/symbolize.js';

const reader = (b: Uint8Array) => (o: number, l: number) => b.subarray(o, o + l);

describe('ELF and pclntab decoders on bad input (hand-written bytes)', () => {
  it('readElf: not ELF, cut headers and garbage give null or empty tables', () => {
    expect(readElf(reader(new Uint8Array(0)))).toBeNull();
    expect(readElf(reader(Buffer.from('#!/bin/sh\necho hi\n')))).toBeNull();
    const self = readFileSync(process.execPath);
    const cut = readElf(reader(self.subarray(0, 64)));
    expect(cut?.type).toBeGreaterThan(0);
    expect(cut!.sections).toEqual([]);
    expect(functionSymbols(reader(self.subarray(0, 64)), cut!, '.dynsym').names).toEqual([]);
    const junk = Buffer.alloc(4096, 0xff);
    junk.set([0x7f, 0x45, 0x4c, 0x46, 2, 1], 0);
    expect(() => readElf(reader(junk))).not.toThrow();
  });

  it('node itself: a build id, and dynamic symbols a lookup finds at their own address', () => {
    const self = readFileSync(process.execPath);
    const elf = readElf(reader(self))!;
    expect(buildId(reader(self), elf)).toMatch(/^[0-9a-f]{16,}$/);
    const t = functionSymbols(reader(self), elf, '.dynsym');
    expect(t.names.length).toBeGreaterThan(100);
    const i = t.sizes.findIndex((s) => s > 8);
    expect(lookupSymbol(t, t.addrs[i]! + 3)).toEqual({ name: t.names[i], offset: 3, size: t.sizes[i] });
    expect(lookupSymbol(t, t.addrs[0]! - 1)).toBeNull();
  });

  it('pclntab: unknown magic, a cut table and a truncated varint give null', () => {
    expect(pclnVersion(new Uint8Array(8))).toBeNull();
    const head = Buffer.alloc(64);
    head.writeUInt32LE(0xfffffff1, 0);
    head[6] = 1;
    head[7] = 8;
    expect(pclnVersion(head)).toBe('1.20');
    head.writeBigUInt64LE(1000n, 8); // 1000 functions in 64 bytes: cut
    expect(readPclntab(head)).toBeNull();
  });

  it('crc32 is the IEEE CRC (.gnu_debuglink)', () => {
    expect(crc32(Buffer.from('123456789'))).toBe(0xcbf43926);
  });
});

describe('proc maps, seen lines, a fold with a pid part', () => {
  it('parses maps lines, counts the unreadable, finds the mapping of an address', () => {
    const { mappings, unread } = parseMaps('00400000-005f2000 r--p 00000000 fe:01 1311 /usr/bin/x\n005f2000-00a67000 r-xp 001f2000 fe:01 1311 /usr/bin/x\nnot a line\n7ffd6b3f2000-7ffd6b3f4000 r-xp 00000000 00:00 0  [vdso]\n');
    expect(unread).toBe(1);
    const x = executable(mappings);
    expect(x.map((m) => m.path)).toEqual(['/usr/bin/x', '[vdso]']);
    expect(mappingAt(x, 0x5f500e)?.offset).toBe(0x1f2000);
    expect(mappingAt(x, 0x400000)).toBeNull();
  });

  it('parseExecutableMaps gives what executable(parseMaps()) gives, on every process of this host', () => {
    let read = 0;
    for (const pid of readdirSync('/proc').filter((d) => /^\d+$/.test(d))) {
      let text: string;
      try {
        text = readFileSync(`/proc/${pid}/maps`, 'utf8');
      } catch {
        continue; // gone, or a kernel thread's empty maps
      }
      expect(parseExecutableMaps(text).mappings).toEqual(executable(parseMaps(text).mappings));
      if (text) read++;
    }
    expect(read).toBeGreaterThan(5);
    // Cut and odd lines: the same mappings, whatever the skip looked at.
    for (const text of ['7f-80 r-xp 0 00:00 0\n', 'x y\n', '00400000-005f2000 r-', '1-2 ---p 0 0:0 0\n1-2 r-xp 0 0:0 0 /a b\n', '\n\n']) {
      expect(parseExecutableMaps(text).mappings).toEqual(executable(parseMaps(text).mappings));
    }
  });

  it('seenPid reads only the probes\' "seen PID" printf lines', () => {
    expect(seenPid('{"type": "printf", "data": "seen 2216\\n"}')).toBe(2216);
    expect(seenPid('{"type": "printf", "data": "seen x\\n"}')).toBeNull();
    expect(seenPid('{"type": "map", "data": {"@samples": 3}}')).toBeNull();
  });

  it('the pid part is not printed; a walk that leaves the mappings ends the user stack', () => {
    const key = '\n    do_syscall_64+1\n,\n    0x10\n    0x20\n    0x30\n,42,my,comm';
    const calls: Array<[number | null, string, number]> = [];
    const folded = foldStackKey(key, ['kstack', 'ustack', 'pid', 'text'], {
      symbolize: (pid, comm, a) => {
        calls.push([pid, comm, a]);
        return a === 0x10 ? { frame: 'leaf+3' } : { why: WHY.unmapped };
      },
    });
    expect(calls).toEqual([[42, 'my,comm', 0x10], [42, 'my,comm', 0x20]]);
    expect(folded).toBe('my,comm;[unknown];leaf;do_syscall_64');
  });

  it('execLine reads the probes\' "exec PID FILE" lines (hand-written: a name with a space and a quote)', () => {
    expect(execLine('{"type": "printf", "data": "exec 30512 /usr/bin/containerd-shim-runc-v2\\n"}')).toEqual({ pid: 30512, file: '/usr/bin/containerd-shim-runc-v2' });
    expect(execLine('{"type": "printf", "data": "exec 7 /opt/my \\"x\\"\\n"}')).toEqual({ pid: 7, file: '/opt/my "x"' });
    expect(execLine('{"type": "printf", "data": "exec x /a\\n"}')).toBeNull();
    expect(execLine('{"type": "printf", "data": "exec 7 /a\\n"')).toBeNull();
    expect(execLine('{"type": "map", "data": {"@x": "exec 7 /a\\n"}}')).toBeNull();
  });

  it('a gone process\'s library frame ends the user stack past the leaf, not at it', () => {
    const key = '\n    do_syscall_64+1\n,\n    0x7f0000000010\n    0x20\n    0x7f0000000030\n    0x40\n,42,c';
    const folded = foldStackKey(key, ['kstack', 'ustack', 'pid', 'text'], {
      symbolize: (_pid, _comm, a) => (a < 0x7f0000000000 ? { frame: `f${a}+1` } : { why: WHY.goneLibrary }),
    });
    expect(folded).toBe('c;[unknown];f32;[unknown];do_syscall_64');
  });
});
