/**
 * renderFlameGraph and `ctrscope flamegraph`: the SVG is well-formed XML (python3's parser reads
 * it), holds one frame per drawn frame with its title, and the options change what they say:
 * titles, inverted placement, --hash colours, the containerd palette's layers, differential
 * colours and --negate, --countname, --minwidth. Then the built CLI and its one-line errors.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { renderFlameGraph } from '../../src/flame/render.js';
import { FLAME_DEFAULTS } from '../../src/flame/defaults.js';
import { flameOptionsSchema } from '../../src/flame/options.js';
import { REPO, runCli } from '../helpers/cli.js';
import { missing } from '../helpers/prereq.js';

const OWN = join(REPO, 'fixtures/perf-script/containerd-cpu-collapsed-default.txt');
const own = readFileSync(OWN, 'utf8')
  .split('\n')
  .filter((l) => l !== '')
  .map((l): [string, number] => [l.slice(0, l.lastIndexOf(' ')), Number(l.slice(l.lastIndexOf(' ') + 1))]);
const tmp = mkdtempSync(join(tmpdir(), 'ctrscope-flame-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

interface Drawn {
  title: string;
  x: number;
  y: number;
  width: number;
  fill: string;
}
function frames(svg: string): Drawn[] {
  const out: Drawn[] = [];
  const re = /<g><title>([^<]*)<\/title><rect x="([\d.]+)" y="([\d.]+)" width="([\d.]+)" height="[\d.]+" fill="([^"]+)"/g;
  for (let m = re.exec(svg); m; m = re.exec(svg)) out.push({ title: m[1]!, x: Number(m[2]), y: Number(m[3]), width: Number(m[4]), fill: m[5]! });
  return out;
}
const byName = (fs: Drawn[], name: string) => fs.filter((f) => f.title.startsWith(`${name} (`));

describe('renderFlameGraph', () => {
  it("draws with the schema's defaults when no option is given (the command skips zod then)", () => {
    expect(FLAME_DEFAULTS).toEqual(flameOptionsSchema.parse({}));
  });

  it.skipIf(missing('python3'))('draws well-formed XML with the script, the title and every frame', () => {
    const svg = renderFlameGraph(own, { title: 'containerd & <friends>' });
    const py = spawnSync('python3', ['-c', 'import sys, xml.etree.ElementTree as E; r = E.fromstring(sys.stdin.buffer.read()); print(len(r.findall(".//{http://www.w3.org/2000/svg}rect")))'], { input: svg });
    expect(py.stderr.toString()).toBe('');
    const fs = frames(svg);
    expect(Number(py.stdout.toString())).toBe(fs.length + 1); // + the background
    expect(svg).toContain('containerd &amp; &lt;friends&gt;</text>');
    expect(svg).toContain('function zoom(');
    const all = byName(fs, 'all')[0]!;
    const samples = own.reduce((s, [, n]) => s + n, 0);
    expect(all.title).toBe(`all (${samples.toLocaleString('en-US')} samples, 100%)`);
    expect(all.width).toBe(1180);
  });

  it('--inverted puts the root at the top and is titled Icicle Graph; --flamechart Flame Chart', () => {
    const up = byName(frames(renderFlameGraph(own)), 'all')[0]!;
    const inv = renderFlameGraph(own, { inverted: true });
    const down = byName(frames(inv), 'all')[0]!;
    expect(down.y).toBe(36);
    expect(up.y).toBeGreaterThan(down.y);
    expect(inv).toContain('>Icicle Graph</text>');
    expect(renderFlameGraph(own, { flamechart: true })).toContain('>Flame Chart</text>');
  });

  it('--hash: the same name, the same colour, run after run; without it colours vary', () => {
    const fillsOf = (svg: string) => frames(svg).map((f) => f.fill).join();
    expect(fillsOf(renderFlameGraph(own, { hash: true }))).toBe(fillsOf(renderFlameGraph(own, { hash: true })));
    expect(fillsOf(renderFlameGraph(own))).not.toBe(fillsOf(renderFlameGraph(own)));
    const fs = frames(renderFlameGraph(own, { hash: true }));
    const sched = byName(fs, '__schedule');
    expect(sched.length).toBeGreaterThan(1);
    expect(new Set(sched.map((f) => f.fill)).size).toBe(1);
  });

  it('--colors containerd: kernel, Go runtime, containerd, runc and unknown frames in different families', () => {
    const fs = frames(renderFlameGraph(own, { colors: 'containerd', hash: true }));
    const hue = (name: string) => {
      const f = byName(fs, name)[0];
      expect(f, name).toBeDefined();
      const [r, g, b] = f!.fill.match(/\d+/g)!.map(Number) as [number, number, number];
      return { r, g, b };
    };
    const kernel = hue('do_syscall_64');
    const runtime = hue('runtime.mcall');
    const ctrd = hue('containerd');
    const unknown = hue('[unknown]');
    expect(kernel.r).toBeGreaterThan(kernel.b + 100); // orange
    expect(runtime.g).toBeGreaterThan(runtime.r + 50); // aqua
    expect(runtime.b).toBeGreaterThan(runtime.r + 50);
    expect(ctrd.g).toBeGreaterThan(ctrd.r); // green
    expect(ctrd.g).toBeGreaterThan(ctrd.b);
    expect(unknown.r === unknown.g && unknown.g === unknown.b).toBe(true); // grey
  });

  it('differential input: red where it grew, blue where it shrank, white the same; --negate swaps', () => {
    // Hand-written: a grew 2 → 6, b shrank 6 → 2, c unchanged.
    const stacks: Array<[string, number, number]> = [
      ['p;a', 2, 6],
      ['p;b', 6, 2],
      ['p;c', 4, 4],
    ];
    const fs = frames(renderFlameGraph(stacks));
    expect(byName(fs, 'a')[0]).toMatchObject({ fill: 'rgb(255,0,0)', title: 'a (6 samples, 50.00%; +33.33%)' });
    expect(byName(fs, 'b')[0]).toMatchObject({ fill: 'rgb(0,0,255)', title: 'b (2 samples, 16.67%; -33.33%)' });
    expect(byName(fs, 'c')[0]!.fill).toBe('rgb(255,255,255)');
    const neg = frames(renderFlameGraph(stacks, { negate: true }));
    expect(byName(neg, 'a')[0]).toMatchObject({ fill: 'rgb(0,0,255)', title: 'a (6 samples, 50.00%; -33.33%)' });
  });

  it('--countname and --minwidth N% change the titles and the frames drawn', () => {
    expect(frames(renderFlameGraph(own, { countname: 'us' }))[0]!.title).toMatch(/^all \([\d,]+ us, 100%\)$/);
    const fine = frames(renderFlameGraph(own)).length;
    const coarse = frames(renderFlameGraph(own, { minwidth: '5%' }));
    expect(coarse.length).toBeLessThan(fine);
    expect(coarse.every((f) => f.width >= 0.05 * 1180 - 0.1)).toBe(true);
  });

  it('throws on invalid options (the API), and draws a note for no stacks', () => {
    expect(() => renderFlameGraph(own, { width: -1 })).toThrow(/at least 100/);
    expect(renderFlameGraph([])).toContain('No stacks to draw');
  });
});

describe('ctrscope flamegraph', () => {
  it('writes the SVG to -o, reading a file or stdin', async () => {
    const out = join(tmp, 'cpu.svg');
    const r = await runCli(['flamegraph', OWN, '-o', out, '--title', 'containerd', '--colors', 'containerd']);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const svg = readFileSync(out, 'utf8');
    expect(frames(svg).length).toBe(frames(renderFlameGraph(own)).length);
    const piped = await runCli(['flamegraph', '--hash'], { input: readFileSync(OWN, 'utf8') });
    expect(piped.code).toBe(0);
    expect(piped.stdout.startsWith('<?xml')).toBe(true);
  });

  it('says what is wrong on one line, with the usage or input exit code', async () => {
    const cases: Array<[string[], number, RegExp]> = [
      [['--width', 'wide'], 2, /^ctrscope: --width "wide": takes a number$/],
      [['--colors', 'rainbow'], 2, /^ctrscope: --colors "rainbow": the palettes are hot, mem, io/],
      [['--minwidth', '3px'], 2, /^ctrscope: --minwidth "3px": a minimum width is pixels/],
      [['--height', '0'], 2, /^ctrscope: --height "0": a frame is at least 4 pixels high$/],
    ];
    for (const [args, code, re] of cases) {
      const r = await runCli(['flamegraph', OWN, '-o', join(tmp, 'x.svg'), ...args]);
      expect(r.code, args.join(' ')).toBe(code);
      expect(r.stderr.trimEnd(), args.join(' ')).toMatch(re);
      expect(r.stderr.trimEnd().split('\n')).toHaveLength(1);
    }
    const empty = await runCli(['flamegraph', '-o', join(tmp, 'y.svg')], { input: 'perf script text, not folded\n' });
    expect(empty.code).toBe(7);
    expect(empty.stderr).toMatch(/^ctrscope: stdin holds no folded stacks/);
  });
});
