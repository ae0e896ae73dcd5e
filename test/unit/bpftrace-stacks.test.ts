import { describe, expect, it } from 'vitest';
import { BpftraceJsonParser } from '../../parsers/bpftrace-json.js';
import { foldStackKey, foldStackMap, foldedText, parseStackFrames, splitStackKey, tidyFrame } from '../../parsers/bpftrace-stacks.js';
import { parseChunks } from '../../parsers/lines.js';
import { fixtureBytes } from '../helpers/chunks.js';

const DIR = new URL('../../fixtures/bpftrace/', import.meta.url).pathname;
const stackMap = (f: string) => parseChunks(new BpftraceJsonParser(), [fixtureBytes(DIR + f)]).maps.get('@')!.value as Record<string, number>;
const plainStacks = stackMap('stacks.json');
const perfStacks = stackMap('stacks-perf-mode.json');
/** A printed stack's frame names, leaf first, read with a regular expression in the test. */
const names = (stack: string) => [...stack.matchAll(/^\s+(?:[0-9a-f]+ )?(\S+?)(?:\+\d+)?(?: \(.*\))?$/gm)].map((m) => m[1]);

describe('splitStackKey on real keys', () => {
  it('finds kstack, ustack and comm in every @[kstack, ustack, comm] key', () => {
    const keys = Object.keys(plainStacks);
    expect(keys.length).toBeGreaterThan(10);
    for (const key of keys) {
      const [k, u, comm] = splitStackKey(key, 3);
      expect(comm).toBe('containerd');
      for (const stack of [k, u]) expect(stack === '' || (stack.startsWith('\n') && stack.endsWith('\n'))).toBe(true);
      expect(`${k},${u},${comm}`).toBe(key);
    }
    // Both an empty and a non-empty kernel stack were captured.
    expect(keys.some((key) => key.startsWith(','))).toBe(true);
    expect(keys.some((key) => key.startsWith('\n'))).toBe(true);
  });

  it('finds four parts in perf-mode keys with comm and tid', () => {
    expect(Object.keys(perfStacks).length).toBeGreaterThan(10);
    for (const key of Object.keys(perfStacks)) {
      const [, , comm, tid] = splitStackKey(key, 4);
      expect(comm).toBe('containerd');
      expect(tid).toMatch(/^\d+$/);
    }
  });
});

describe('foldStackMap on real captures', () => {
  it('comm first, then user frames root→leaf, then kernel frames root→leaf', () => {
    expect(Object.keys(plainStacks).length).toBeGreaterThan(10);
    for (const [key, n] of Object.entries(plainStacks)) {
      const [k, u] = splitStackKey(key, 3);
      const folded = foldStackKey(key, ['kstack', 'ustack', 'text']);
      const expected = ['containerd', ...names(u).reverse(), ...names(k).reverse()].map((f) => (/^0x[0-9a-f]+$/.test(f) ? '[unknown]' : f));
      expect(folded.split(';')).toEqual(expected);
      expect(n).toBeGreaterThan(0);
    }
  });

  it('sums counts, merges keys that fold alike, leaves no offsets or indentation', () => {
    const f = foldStackMap(plainStacks, ['kstack', 'ustack', 'text']);
    expect(f.total).toBe(Object.values(plainStacks).reduce((a, b) => a + b, 0));
    expect([...f.stacks.values()].reduce((a, b) => a + b, 0)).toBe(f.total);
    expect(f.skipped).toBe(0);
    expect(f.stacks.size).toBeGreaterThan(5);
    for (const stack of f.stacks.keys()) {
      expect(stack.startsWith('containerd;')).toBe(true);
      for (const frame of stack.split(';')) {
        expect(frame).not.toMatch(/\+\d+$/);
        expect(frame).toBe(frame.trim());
        expect(frame.length).toBeGreaterThan(0);
      }
    }
  });

  it('perf-mode frames lose their address and module; tid stays a frame after comm', () => {
    const f = foldStackMap(perfStacks, ['kstack', 'ustack', 'text', 'text']);
    expect(f.total).toBe(Object.values(perfStacks).reduce((a, b) => a + b, 0));
    expect(f.stacks.size).toBeGreaterThan(5);
    for (const stack of f.stacks.keys()) {
      const [comm, tid, ...frames] = stack.split(';');
      expect(comm).toBe('containerd');
      expect(tid).toMatch(/^\d+$/);
      for (const frame of frames) {
        expect(frame).not.toMatch(/^[0-9a-f]{6,} /);
        expect(frame).not.toMatch(/ \(.*\)$/);
        expect(frame).not.toMatch(/^0x/);
      }
    }
    // The same Go frames as the default mode prints.
    const goFrames = (m: Map<string, number>) => new Set([...m.keys()].flatMap((s) => s.split(';')).filter((x) => x.startsWith('runtime.')));
    const common = [...goFrames(f.stacks)].filter((x) => goFrames(foldStackMap(plainStacks, ['kstack', 'ustack', 'text']).stacks).has(x));
    expect(common.length).toBeGreaterThan(3);
  });

  it('foldedText prints sorted "stack count" lines', () => {
    const f = foldStackMap(plainStacks, ['kstack', 'ustack', 'text']);
    const lines = foldedText(f.stacks).trimEnd().split('\n');
    expect(f.stacks.size).toBeGreaterThan(5);
    expect(lines.length).toBe(f.stacks.size);
    expect([...lines].sort()).toEqual(lines);
    for (const l of lines) expect(l).toMatch(/^\S.* \d+$/);
  });
});

describe('tidying rules (hand-written frames for cases the captures lack)', () => {
  it('offsets, addresses, modules, semicolons', () => {
    expect(tidyFrame('    vfs_read+812')).toBe('vfs_read');
    expect(tidyFrame('    vfs_read+812', { keepOffsets: true })).toBe('vfs_read+812');
    expect(tidyFrame('\tffffffff816b8d1c vfs_read+812')).toBe('vfs_read');
    expect(tidyFrame('\tc6200e syscall.Syscall+72 (/usr/bin/containerd)')).toBe('syscall.Syscall');
    expect(tidyFrame('\t7f9dd69ede58 0x7f9dd69ede58 ([unknown])')).toBe('[unknown]');
    expect(tidyFrame('    0x7f9dd69ede58', { keepAddresses: true })).toBe('0x7f9dd69ede58');
    expect(tidyFrame('    weird;name+0x1f')).toBe('weird:name');
    expect(tidyFrame('   ')).toBe('');
  });

  it('commas inside frames do not split a key; the last text part keeps its commas', () => {
    // Hand-written: C++ frames hold ", " and a comm may hold a comma.
    const key = '\n    std::map<int, int>::find+12\n    main+3\n,\n    start+1\n,my,comm';
    expect(splitStackKey(key, 3)).toEqual(['\n    std::map<int, int>::find+12\n    main+3\n', '\n    start+1\n', 'my,comm']);
    expect(foldStackKey(key, ['kstack', 'ustack', 'text'], { annotateKernel: true })).toBe('my,comm;start;main_[k];std::map<int, int>::find_[k]');
    expect(parseStackFrames('\n    a+1\n    b+2\n')).toEqual(['a', 'b']);
  });

  it('odd values never throw: non-counts are skipped, empty keys fold to [empty]', () => {
    expect(foldStackMap(null, ['kstack']).total).toBe(0);
    expect(foldStackMap([1, 2], ['kstack']).stacks.size).toBe(0);
    const f = foldStackMap({ ',,': 2, x: 'many', ',\n    a+1\n,c': 3 }, ['kstack', 'ustack', 'text']);
    expect(f.skipped).toBe(1);
    expect([...f.stacks]).toEqual([
      ['[empty]', 2],
      ['c;a', 3],
    ]);
  });
});
