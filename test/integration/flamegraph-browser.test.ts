/**
 * A flame graph made by ctrscope from a real capture (fixtures/perf-script: containerd under
 * scripts/load.sh, folded by `ctrscope collapse`), opened in a real browser (Debian's chromium,
 * headless, driven by puppeteer-core): the frames are there with their titles, Search (through its
 * prompt, as a person types) colours the matching frames and shows the matched share, which is the
 * share of samples in stacks holding a match; a click zooms a frame to the full width and hides
 * its neighbours; Reset Zoom and Escape put everything back.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import puppeteer, { type Browser, type Page } from 'puppeteer-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REPO, runCli } from '../helpers/cli.js';
import { missing } from '../helpers/prereq.js';

const skip = missing('chromium');
const CAPTURE = join(REPO, 'fixtures/perf-script/containerd-cpu.perf-script.txt');
const tmp = mkdtempSync(join(tmpdir(), 'ctrscope-browser-'));
let browser: Browser | undefined;
let page: Page;
let folded: Array<[string, number]>;

interface Seen {
  title: string;
  x: number;
  width: number;
  fill: string;
  hidden: boolean;
  label: string;
}
const seen = (p: Page) =>
  p.$$eval('#frames > g', (gs) =>
    gs.map((g) => {
      const r = g.querySelector('rect')!;
      return {
        title: g.querySelector('title')!.textContent!,
        x: Number(r.getAttribute('x')),
        width: Number(r.getAttribute('width')),
        fill: r.getAttribute('fill')!,
        hidden: getComputedStyle(g).display === 'none',
        label: g.querySelector('text')!.textContent!,
      };
    }),
  );
const named = (fs: Seen[], name: string) => fs.filter((f) => f.title.startsWith(`${name} (`));

beforeAll(async () => {
  if (skip) return;
  const collapsed = await runCli(['collapse', CAPTURE]);
  expect(collapsed.code, collapsed.stderr).toBe(0);
  writeFileSync(join(tmp, 'cpu.folded'), collapsed.stdout);
  folded = collapsed.stdout
    .split('\n')
    .filter((l) => l !== '')
    .map((l) => [l.slice(0, l.lastIndexOf(' ')), Number(l.slice(l.lastIndexOf(' ') + 1))]);
  const made = await runCli(['flamegraph', join(tmp, 'cpu.folded'), '-o', join(tmp, 'cpu.svg'), '--colors', 'containerd']);
  expect(made.code, made.stderr).toBe(0);
  browser = await puppeteer.launch({
    executablePath: '/usr/bin/chromium',
    headless: true,
    args: process.getuid?.() === 0 ? ['--no-sandbox', '--disable-gpu'] : ['--disable-gpu'],
  });
  page = await browser.newPage();
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(String(e)));
  await page.setViewport({ width: 1200, height: 1200 });
  await page.goto(pathToFileURL(join(tmp, 'cpu.svg')).href);
  await page.waitForFunction('typeof frames !== "undefined" && frames.length > 0');
  expect(errors).toEqual([]);
}, 120_000);

afterAll(async () => {
  await browser?.close();
  rmSync(tmp, { recursive: true, force: true });
});

describe.skipIf(skip)('a ctrscope flame graph in chromium', () => {
  it('shows every frame, the root spanning the width, names in the wide ones', async () => {
    const fs = await seen(page);
    expect(fs.length).toBeGreaterThan(100);
    const all = named(fs, 'all')[0]!;
    expect(all.width).toBe(1180);
    expect(all.label).toBe('all');
    expect(named(fs, 'containerd')[0]!.label).toBe('containerd');
    expect(fs.every((f) => !f.hidden)).toBe(true);
  });

  it('Search colours the matching frames and shows the share of samples under them', async () => {
    page.once('dialog', (d) => void d.accept('^runtime\\.futex'));
    await page.click('#search');
    await page.waitForFunction('document.getElementById("matched").textContent.startsWith("Matched")');
    const fs = await seen(page);
    const hits = fs.filter((f) => /^runtime\.futex/.test(f.title));
    expect(hits.length).toBeGreaterThan(0);
    expect(hits.every((f) => f.fill === 'rgb(230,0,230)')).toBe(true);
    expect(fs.filter((f) => !/^runtime\.futex/.test(f.title)).every((f) => f.fill !== 'rgb(230,0,230)')).toBe(true);
    const total = folded.reduce((s, [, n]) => s + n, 0);
    const under = folded.filter(([s]) => s.split(';').some((f) => /^runtime\.futex/.test(f))).reduce((s, [, n]) => s + n, 0);
    const shown = Number((await page.$eval('#matched', (e) => e.textContent!)).match(/([\d.]+)%/)![1]);
    expect(under).toBeGreaterThan(0);
    expect(Math.abs(shown - (100 * under) / total)).toBeLessThan(0.15);
    expect(await page.$eval('#search', (e) => e.textContent)).toBe('Reset Search');
    await page.click('#search');
    expect((await seen(page)).some((f) => f.fill === 'rgb(230,0,230)')).toBe(false);
  });

  it('a click zooms a frame to the full width; Reset Zoom puts the graph back', async () => {
    const before = await seen(page);
    const target = before.filter((f) => f.title.startsWith('runtime.') && f.width > 20 && f.width < 600).sort((a, b) => b.width - a.width)[0]!;
    expect(target).toBeDefined();
    const handle = (await page.$$('#frames > g')).find((_, i) => before[i]!.title === target.title && before[i]!.x === target.x)!;
    await handle.click();
    const after = await seen(page);
    const zoomed = after.find((f) => f.title === target.title && !f.hidden && f.x === 10)!;
    expect(zoomed).toBeDefined();
    expect(zoomed.width).toBeCloseTo(1180, 0);
    expect(named(after, 'all')[0]!.width).toBeCloseTo(1180, 0);
    expect(after.filter((f) => f.hidden).length).toBeGreaterThan(0);
    expect(await page.$eval('#reset', (e) => getComputedStyle(e).display)).not.toBe('none');
    await page.click('#reset');
    const back = await seen(page);
    expect(back.every((f) => !f.hidden)).toBe(true);
    expect(back.map((f) => [f.x, f.width])).toEqual(before.map((f) => [f.x, f.width]));
  });

  it('Escape resets a zoom; hovering shows the frame in the details line', async () => {
    const gs = await page.$$('#frames > g');
    const fs = await seen(page);
    const i = fs.findIndex((f) => f.title.startsWith('containerd ('));
    await gs[i]!.hover();
    expect(await page.$eval('#details', (e) => e.textContent)).toBe(`Function: ${fs[i]!.title}`);
    await gs[i]!.click();
    expect((await seen(page)).some((f) => f.hidden)).toBe(true);
    await page.keyboard.press('Escape');
    expect((await seen(page)).every((f) => !f.hidden)).toBe(true);
  });
});
