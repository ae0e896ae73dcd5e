#!/usr/bin/env node
// Test tracer that floods stdout with 1 KiB lines for MS milliseconds, with blocking writes.
// Usage: flood.mjs MS REPORT_FILE. When done it writes {bytes, lines, maxWriteMs, endedAt} as
// JSON to REPORT_FILE (not to stdout, which its reader may be dropping): maxWriteMs is the
// longest a single 64 KiB write took, so a reader that let the pipe fill shows up there.
import { writeFileSync, writeSync } from 'node:fs';

const [ms, report] = [Number(process.argv[2]), process.argv[3]];
const LINE = 1024;
const PER_WRITE = 64;
const block = Buffer.alloc(LINE * PER_WRITE, 'x');
for (let i = 0; i < PER_WRITE; i++) block[i * LINE + LINE - 1] = 0x0a;
let bytes = 0;
let lines = 0;
let maxWriteMs = 0;
const end = Date.now() + ms;
while (Date.now() < end) {
  const t0 = performance.now();
  for (let off = 0; off < block.length; ) {
    try {
      off += writeSync(1, block, off);
    } catch (e) {
      if (e.code !== 'EAGAIN') throw e; // a non-blocking pipe that is full: try again (counted as a stall)
    }
  }
  maxWriteMs = Math.max(maxWriteMs, performance.now() - t0);
  bytes += block.length;
  lines += PER_WRITE;
}
writeFileSync(report, JSON.stringify({ bytes, lines, maxWriteMs, endedAt: Date.now() }));
