/**
 * parsers/perf-script.ts against what FlameGraph's stackcollapse-perf.pl prints:
 * - the conformance corpus (13 captures × 7 option sets, shared/conformance/flamegraph),
 * - our own capture of containerd (fixtures/perf-script/, expected files made by the Perl script),
 * each read whole, in random chunks and line by line; then malformed input.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { collapsePerfScript, PerfScriptCollapser, type PerfCollapseOptions, type PerfCollapseResult } from '../../parsers/perf-script.js';
import { renderFolded } from '../../parsers/folded.js';
import { parseChunks } from '../../parsers/lines.js';
import { cutRandomly } from '../helpers/chunks.js';
import { REPO } from '../helpers/cli.js';
import { CONFORMANCE_DIR, missing } from '../helpers/prereq.js';

const OPTIONS = ['default', 'pid', 'tid', 'kernel', 'jit', 'all', 'addrs'] as const;
type Option = (typeof OPTIONS)[number];
const optionsOf = (o: Option): PerfCollapseOptions => (o === 'default' ? {} : { [o]: true });

/** Bytes → text one character per byte, as `ctrscope collapse` reads. */
const latin1 = (b: Uint8Array) => Buffer.from(b).toString('latin1');

function viaChunks(bytes: Buffer, options: PerfCollapseOptions, seed: number, max: number): PerfCollapseResult {
  const c = new PerfScriptCollapser(options);
  for (const chunk of cutRandomly(bytes, seed, max)) c.push(latin1(chunk));
  c.end();
  return c.result();
}

/** Every way of reading the same bytes must print the expected folded text. */
function expectAllWays(bytes: Buffer, option: Option, expected: string, seed: number): void {
  const options = optionsOf(option);
  const whole = collapsePerfScript(latin1(bytes), options);
  expect(renderFolded(whole.stacks)).toBe(expected);
  for (const [s, max] of [
    [seed, 97],
    [seed + 1, 65536],
  ]) {
    const r = viaChunks(bytes, options, s, max);
    expect(renderFolded(r.stacks), `chunks seed ${s} max ${max}`).toBe(expected);
    expect({ ...r, stacks: undefined }).toEqual({ ...whole, stacks: undefined });
  }
  // The LineParser path: LineSplitter (UTF-8) + line(); these inputs are ASCII.
  const lines = parseChunks(new PerfScriptCollapser(options), cutRandomly(bytes, seed + 2, 4096));
  expect(renderFolded(lines.stacks), 'line by line').toBe(expected);
}

const CONFORMANCE = CONFORMANCE_DIR;
// Outside CI a missing conformance folder skips with a reason; under CI=true it fails.
const noConformance = missing('flamegraph-conformance');

describe.skipIf(noConformance)('conformance with stackcollapse-perf.pl', () => {
  it('has the conformance data', () => {
    expect(readdirSync(CONFORMANCE).filter((f) => f.endsWith('.txt')).length).toBeGreaterThanOrEqual(13);
  });
  const inputs = noConformance ? [] : readdirSync(CONFORMANCE).filter((f) => f.endsWith('.txt')).sort();
  inputs.forEach((file, n) => {
    const name = file.slice(0, -'.txt'.length);
    describe(name, () => {
      const bytes = readFileSync(join(CONFORMANCE, file));
      for (const option of OPTIONS) {
        it(`--${option}`, () => {
          const expected = readFileSync(join(CONFORMANCE, 'results', `${name}-collapsed-${option}.txt`), 'latin1');
          expectAllWays(bytes, option, expected, 1000 * n + OPTIONS.indexOf(option));
        });
      }
      // The Perl script warns "Unrecognized line" for none of these captures.
      it('recognises every line', () => {
        expect(collapsePerfScript(latin1(bytes)).unrecognized).toBe(0);
      });
    });
  });

  it('keeps the first event type only (instructions, then cycles: cycles left out)', () => {
    const r = collapsePerfScript(readFileSync(join(CONFORMANCE, 'perf-cycles-instructions-01.txt'), 'latin1'));
    expect(r.event).toBe('instructions');
    expect(r.skippedSamples).toBeGreaterThan(0);
  });
});

describe('containerd capture (fixtures/perf-script)', () => {
  const dir = join(REPO, 'fixtures/perf-script');
  const bytes = readFileSync(join(dir, 'containerd-cpu.perf-script.txt'));
  for (const option of OPTIONS) {
    it(`--${option} prints what stackcollapse-perf.pl printed`, () => {
      expectAllWays(bytes, option, readFileSync(join(dir, `containerd-cpu-collapsed-${option}.txt`), 'latin1'), 77 + OPTIONS.indexOf(option));
    });
  }
  it('counts every sample, in cpu-clock periods', () => {
    const text = latin1(bytes);
    const r = collapsePerfScript(text);
    expect(r.unrecognized).toBe(0);
    // perf ends each sample with a blank line.
    expect(r.samples).toBe(text.match(/^$/gm)!.length - 1);
    expect(r.event).toBe('cpu-clock:ppp');
  });
});

/*
 * Hand-written lines for quirks no capture here shows: inlined frames (a->b), C++ anonymous
 * namespaces, Go methods, unknown symbols, quotes in JIT names, ";" in a name, a blank function,
 * a comm with a space, PID/TID 0, Java names, CRLF line ends, another event type, a last sample
 * with no blank line after it (never counted). Expected: what stackcollapse-perf.pl (FlameGraph
 * 41fee1f) printed for this input, run once by hand; not our own output.
 */
const EDGE = [
  '# cmdline : /usr/bin/perf record -g',
  'V8 WorkerThread 24636/25607 [000] 94564.109216:        100 cycles: ',
  '\t    7f00 foo->bar->baz (/usr/lib/libx.so)',
  '\t    7f01 ns::(anonymous namespace)::f(int) (/usr/lib/libx.so)',
  '\t    7f02 net/http.(*Client).Do+0x1f (/usr/bin/app)',
  '\t    7f03 [unknown] (/usr/lib/liby.so)',
  '\t    7f04 [unknown] ([unknown])',
  '\tffffffff81 do_syscall_64+0x71 ([kernel.kallsyms])',
  '',
  'node 31912 [001] 94564.2: 0 cycles: ',
  '\t    7f05 RegExp:[&<>"\'] (/tmp/perf-7539.map)',
  '\t    7f06 a;b (/x)',
  '\t    7f07  (/lib/libc.so)',
  'garbage',
  '',
  'swapper     0 [001]  1333.768770: 10 cpu-clock: ',
  '\tffffffff810013aa xen_hypercall_sched_op ([kernel.kallsyms])',
  '',
  'java 0/0 [002] 94565.0: 7 cycles: ',
  '\t    7f08 Lorg/mozilla/Foo;.call(Lorg/Bar;)V (/tmp/perf-1.map)',
  '\t    7f09 Interpreter (/usr/lib/jvm/libjvm.so)',
  '',
  'java 12/13 [002] 94565.1: 5 cycles: \r',
  '\t    7f08 Lorg/mozilla/Foo;.call(Lorg/Bar;)V (/tmp/perf-1.map)\r',
  '\r',
  '',
  'java 12/13 [002] 94565.2: 9 cycles: ',
  '\t    7f09 Interpreter (/usr/lib/jvm/libjvm.so)',
].join('\n') + '\n';

const EDGE_EXPECTED: Partial<Record<Option, string>> = {
  default: `V8_WorkerThread;do_syscall_64;[unknown];[liby.so];net/http.(*Client).Do;ns::(anonymous namespace)::f;foo;bar_[i];baz_[i] 100
java;Interpreter;org/mozilla/Foo:.call 7
java;org/mozilla/Foo:.call 5
node; ;a:b;RegExp:[&<>] 1
`,
  tid: `V8_WorkerThread-24636/25607;do_syscall_64;[unknown];[liby.so];net/http.(*Client).Do;ns::(anonymous namespace)::f;foo;bar_[i];baz_[i] 100
java-12/13;org/mozilla/Foo:.call 5
java-?/0;Interpreter;org/mozilla/Foo:.call 7
node-?/31912; ;a:b;RegExp:[&<>] 1
`,
  all: `V8_WorkerThread;do_syscall_64_[k];[unknown];[liby.so];net/http.(*Client).Do;ns::(anonymous namespace)::f;foo;bar_[i];baz_[i] 100
java;Interpreter;org/mozilla/Foo:.call_[j] 7
java;org/mozilla/Foo:.call_[j] 5
node; ;a:b;RegExp:[&<>]_[j] 1
`,
  addrs: `V8_WorkerThread;do_syscall_64;[unknown <7f04>];[liby.so <7f03>];net/http.(*Client).Do;ns::(anonymous namespace)::f;foo;bar_[i];baz_[i] 100
java;Interpreter;org/mozilla/Foo:.call 7
java;org/mozilla/Foo:.call 5
node; ;a:b;RegExp:[&<>] 1
`,
};

describe('quirks (hand-written input)', () => {
  for (const [option, expected] of Object.entries(EDGE_EXPECTED) as [Option, string][]) {
    it(`--${option}`, () => expectAllWays(Buffer.from(EDGE, 'latin1'), option, expected, 5 + OPTIONS.indexOf(option)));
  }
  it('counts the lines the Perl script warns about, and the samples of other events', () => {
    const r = collapsePerfScript(EDGE);
    // "garbage" and the lone "\r": the two "Unrecognized line" warnings of the Perl script.
    expect(r.unrecognized).toBe(2);
    expect(r.skippedSamples).toBe(1);
    expect(r.event).toBe('cycles');
    expect(r.samples).toBe(4);
  });
});

describe('malformed input', () => {
  function rng(seed: number) {
    let x = seed >>> 0 || 1;
    return () => ((x ^= x << 13), (x ^= x >>> 17), (x ^= x << 5), (x >>> 0) / 2 ** 32);
  }

  it('random bytes: never throws, counts what it cannot read, same result in chunks', () => {
    const rnd = rng(42);
    const bytes = Buffer.alloc(300_000);
    for (let i = 0; i < bytes.length; i++) bytes[i] = rnd() < 0.03 ? 10 : Math.floor(rnd() * 256);
    const whole = collapsePerfScript(latin1(bytes));
    expect(whole.unrecognized).toBeGreaterThan(0);
    expect(whole.unrecognized).toBeLessThanOrEqual(whole.lines);
    const chunked = viaChunks(bytes, {}, 43, 500);
    expect(renderFolded(chunked.stacks)).toBe(renderFolded(whole.stacks));
    expect(chunked.unrecognized).toBe(whole.unrecognized);
    // Decoded as UTF-8 (U+FFFD for bad bytes) through the line API: still no exception.
    expect(() => parseChunks(new PerfScriptCollapser({ all: true, tid: true }), cutRandomly(bytes, 44, 1000))).not.toThrow();
  });

  it('a capture cut anywhere: only whole samples count, never more than in the full capture', () => {
    const bytes = readFileSync(join(REPO, 'fixtures/perf-script/containerd-cpu.perf-script.txt'));
    const full = collapsePerfScript(latin1(bytes)).stacks;
    const rnd = rng(7);
    let compared = 0;
    for (let k = 0; k < 25; k++) {
      const cut = bytes.subarray(0, Math.floor(rnd() * bytes.length));
      const r = viaChunks(cut, {}, k, 300);
      for (const [stack, count] of r.stacks) expect(count, stack).toBeLessThanOrEqual(full.get(stack) ?? -1);
      compared += r.stacks.size;
      // A cut frame line is either unreadable or a frame with a shorter module; nothing else.
      expect(r.unrecognized).toBeLessThanOrEqual(1);
    }
    expect(compared, 'stacks compared over all the cuts').toBeGreaterThan(100);
  });

  it('1 MB lines: linear time, read like the Perl script reads them', () => {
    const mb = 1 << 20;
    const text = [
      'x' + ' '.repeat(mb) + '1', // no blank after the digits: not an event record, not a frame
      'a' + ' 1/x'.repeat(mb / 4), // "PID/" never followed by a TID or a blank
      '\t' + 'ab ('.repeat(mb / 4), // " (" never closed
      'big 123 1.0: 1 cpu-clock: ',
      '\t7f ' + 'f'.repeat(mb) + ' (/x)', // a frame with a 1 MB symbol
      '', // the blank line that ends the sample
      '',
    ].join('\n');
    const started = performance.now();
    const r = viaChunks(Buffer.from(text, 'latin1'), {}, 9, 65536);
    expect(performance.now() - started).toBeLessThan(5000);
    expect(r.unrecognized).toBe(3);
    expect([...r.stacks]).toEqual([[`big;${'f'.repeat(mb)}`, 1]]);
  });
});
