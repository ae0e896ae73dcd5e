/**
 * Laid-out frames → the SVG text of a flame graph (or icicle graph, flame chart, differential flame
 * graph), drawn as flamegraph.pl draws them: the same frames at the same x, y and width for the
 * same input and options (test/unit/flame-conformance.test.ts checks it against flamegraph.pl's).
 * Pure: text in, text out; the command, the export and the live view write the file.
 * The SVG is built by hand: it is a few element kinds, and a DOM library would be 10x slower here.
 * Options come validated (render.ts's renderFlameGraph, or the command); nothing here loads zod.
 */
import type { FoldedEntry } from '../../parsers/folded.js';
import { layoutFrames, type Frame, type Layout } from './layout.js';
import { defaultTitle, paddings } from './defaults.js';
import type { FlameOptions } from './options.js';
import { colorPicker, deltaColor } from './palettes.js';
import { fixed, thousands } from './numbers.js';
import { FLAME_SCRIPT } from './script.js';

/** One drawn frame: what the SVG holds for it (numbers as written). */
export interface DrawnFrame {
  title: string;
  x: string;
  y: number;
  width: string;
  height: string;
  fill: string;
  label: string;
  frame: Frame;
}

const NEEDS_ESCAPE = /[&<>"]/;

/** &, <, >, " as entities (titles and labels are text content; attributes never hold names). */
export function escapeXml(s: string): string {
  // Most names hold none of them: one test, and the name itself, no copy.
  if (!NEEDS_ESCAPE.test(s)) return s;
  return s.replace(/[&<>"]/g, (c) => (c === '&' ? '&amp;' : c === '<' ? '&lt;' : c === '>' ? '&gt;' : '&quot;'));
}

/**
 * The frames by depth, then start: within one depth frames close, and so come, left to right
 * (a counting sort by depth, stable like the sort it stands for).
 */
function byDepth(frames: readonly Frame[], depthMax: number): Frame[] {
  const at = new Array<number>(depthMax + 2).fill(0);
  for (const f of frames) at[f.depth + 1]!++;
  for (let d = 1; d < at.length; d++) at[d]! += at[d - 1]!;
  const out = new Array<Frame>(frames.length);
  for (const f of frames) out[at[f.depth]!++] = f;
  return out;
}

/** "func_[k]" → "func": the annotations stackcollapse adds (kernel, JIT, inlined, waker). */
const stripMark = (name: string) => (name.length > 4 && name.charCodeAt(name.length - 4) === 95 && /_\[[kwij]\]$/.test(name) ? name.slice(0, -4) : name);

/** Lays out and places every frame (no SVG text yet): what the conformance test compares. */
export function drawFrames(entries: readonly FoldedEntry[], o: FlameOptions, random?: () => number, sorted = false): { layout: Layout; drawn: DrawnFrame[]; imageHeight: number } {
  return placeFrames(layoutOf(entries, o, sorted), o, random);
}

const layoutOf = (entries: readonly FoldedEntry[], o: FlameOptions, sorted: boolean): Layout =>
  layoutFrames(entries, { reverse: o.reverse, flamechart: o.flamechart, minwidth: o.minwidth, width: o.width, xpad: paddings(o).xpad, kernel: o.colors === 'containerd', sorted });

/** Places laid-out frames (layoutFrames's, or layoutFoldedTrie's for the same options). */
export function placeFrames(layout: Layout, o: FlameOptions, random?: () => number): { layout: Layout; drawn: DrawnFrame[]; imageHeight: number } {
  const drawn: DrawnFrame[] = [];
  eachPlacedFrame(layout, o, random, (d) => drawn.push(d));
  return { layout, drawn, imageHeight: imageHeightOf(layout, o) };
}

function imageHeightOf(layout: Layout, o: FlameOptions): number {
  const pad = paddings(o);
  return (layout.depthMax + 1) * o.height + pad.top + pad.bottom + pad.subtitle;
}

/** placeFrames's frames one by one, in drawing order, to a callback that need not keep them. */
function eachPlacedFrame(layout: Layout, o: FlameOptions, random: (() => number) | undefined, emit: (d: DrawnFrame) => void): void {
  const pad = paddings(o);
  const imageHeight = imageHeightOf(layout, o);
  const perTime = (o.width - 2 * pad.xpad) / (layout.total || 1);
  const color = colorPicker(o.colors, o.hash, random);
  const glyph = o.fontsize * o.fontwidth;
  const frames = byDepth(layout.frames, layout.depthMax);
  for (const f of frames) {
    const root = f.depth === 0;
    const x1 = pad.xpad + f.start * perTime;
    const x2 = pad.xpad + (root ? layout.total : f.end) * perTime;
    const y1 = o.inverted ? pad.top + pad.subtitle + f.depth * o.height : imageHeight - pad.bottom - (f.depth + 1) * o.height + pad.framepad;
    const y2 = o.inverted ? pad.top + pad.subtitle + (f.depth + 1) * o.height - pad.framepad : imageHeight - pad.bottom - f.depth * o.height;
    const samples = Number(fixed(f.end - f.start, 0));
    const name = root ? 'all' : stripMark(f.name);
    let title: string;
    if (root) title = `all (${thousands(samples)} ${o.countname}, 100%)`;
    else {
      const pct = fixed((100 * samples) / layout.total, 2);
      title = `${escapeXml(name)} (${thousands(samples)} ${o.countname}, ${pct}%`;
      if (f.delta !== undefined) {
        const d = o.negate ? -f.delta : f.delta;
        const dp = fixed((100 * d) / layout.total, 2);
        title += `; ${d > 0 ? '+' : ''}${dp}%`;
      }
      title += ')';
    }
    const fill = f.name === '--' || f.name === '-' || f.delta === undefined ? color(f.name, f.kernel) : deltaColor(f.delta, layout.maxDelta, o.negate);
    const rx1 = fixed(x1, 1);
    const rx2 = fixed(x2, 1);
    const chars = Math.floor((x2 - x1) / glyph);
    const label = chars < 3 ? '' : escapeXml(name.length > chars ? name.slice(0, chars - 2) + '..' : name);
    emit({ title, x: rx1, y: y1, width: fixed(Number(rx2) - Number(rx1), 1), height: fixed(y2 - y1, 1), fill, label, frame: f });
  }
}

function svgHead(o: FlameOptions, width: number, height: number): string {
  const pad = paddings(o);
  const fs = o.fontsize;
  const bottomText = height - pad.bottom / 2;
  return (
    `<?xml version="1.0" encoding="UTF-8" standalone="no"?>\n` +
    `<svg version="1.1" id="flame" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" onload="init(evt)" ` +
    `xmlns="http://www.w3.org/2000/svg" data-xpad="${pad.xpad}" data-width="${width}" data-fontsize="${fs}" data-fontwidth="${o.fontwidth}" ` +
    `data-inverted="${o.inverted ? 1 : 0}" data-nametype="${escapeXml(o.nametype)}">\n` +
    `<!-- Drawn by ctrscope flamegraph. Click a frame to zoom, Ctrl-F or "Search" to search. -->\n` +
    `<defs><linearGradient id="background" y1="0" y2="1" x1="0" x2="0"><stop stop-color="#eeeeee" offset="5%"/>` +
    `<stop stop-color="${o.colors === 'mem' ? '#e0e0ff' : o.colors === 'io' ? '#e0ffe0' : '#eeeeb0'}" offset="95%"/></linearGradient></defs>\n` +
    `<style type="text/css">\n` +
    `text { font-family: Verdana, "DejaVu Sans", sans-serif; font-size: ${fs}px; fill: rgb(0,0,0); }\n` +
    `#title { text-anchor: middle; font-size: ${fs + 5}px; } #subtitle { text-anchor: middle; fill: rgb(160,160,160); }\n` +
    `#search, #ignorecase, #reset { cursor: pointer; opacity: 0.35; } #search:hover, #ignorecase:hover, #reset:hover, .on { opacity: 1; }\n` +
    `#matched { text-anchor: end; } #frames > g > text { pointer-events: none; } #frames > g:hover > rect { stroke: black; stroke-width: 0.5; cursor: pointer; }\n` +
    `.hide { display: none; } .parent { opacity: 0.5; }\n` +
    `</style>\n` +
    `<script type="text/ecmascript"><![CDATA[\n${FLAME_SCRIPT}]]></script>\n` +
    `<rect x="0" y="0" width="${width}" height="${height}" fill="url(#background)"/>\n` +
    `<text id="title" x="${width / 2}" y="${fs * 2}">${escapeXml(defaultTitle(o))}</text>\n` +
    (o.subtitle ? `<text id="subtitle" x="${width / 2}" y="${fs * 4}">${escapeXml(o.subtitle)}</text>\n` : '') +
    `<text id="details" x="${pad.xpad}" y="${bottomText}"> </text>\n` +
    `<text id="reset" class="hide" x="${pad.xpad}" y="${fs * 2}">Reset Zoom</text>\n` +
    `<text id="search" x="${width - pad.xpad - 100}" y="${fs * 2}">Search</text>\n` +
    `<text id="ignorecase" x="${width - pad.xpad - 16}" y="${fs * 2}">ic</text>\n` +
    `<text id="matched" x="${width - pad.xpad}" y="${bottomText}"> </text>\n`
  );
}

/** The SVG for entries read by FoldedParser (their line keys kept for flamegraph.pl's order); `sorted`: they come in key order already (readFolded sorted them). */
export function drawFlameGraph(entries: readonly FoldedEntry[], options: FlameOptions, random?: () => number, sorted = false): string {
  return drawLayout(layoutOf(entries, options, sorted), options, random);
}

/** The SVG for laid-out frames (drawFlameGraph's, from a layout already made). */
export function drawLayout(layout: Layout, options: FlameOptions, random?: () => number): string {
  const { drawn, imageHeight } = placeFrames(layout, options, random);
  if (drawn.length === 0) return emptyGraph(options);
  const parts: string[] = [svgHead(options, options.width, imageHeight), '<g id="frames">\n'];
  for (const d of drawn) parts.push(frameSvg(d));
  parts.push('</g>\n</svg>\n');
  return parts.join('');
}

/**
 * drawLayout's SVG as UTF-8 bytes, for the command to write: each frame's text is written out as
 * soon as it is placed, so the young heap never holds the whole graph's frames and strings
 * (copying them from one scavenge to the next cost more than making them, on large graphs).
 */
export function drawLayoutBytes(layout: Layout, options: FlameOptions, random?: () => number): Buffer {
  if (layout.frames.length === 0) return Buffer.from(emptyGraph(options));
  let out = Buffer.allocUnsafe(64 * 1024 + layout.frames.length * 256);
  let pos = 0;
  const put = (text: string) => {
    if (out.length - pos < text.length * 3) {
      const bigger = Buffer.allocUnsafe(2 * out.length + text.length * 3);
      out.copy(bigger, 0, 0, pos);
      out = bigger;
    }
    pos += out.write(text, pos);
  };
  // Frames' text gathered 32 K characters at a time: a Buffer.write per frame (7,700 of them) cost
  // more than the text.
  let text = svgHead(options, options.width, imageHeightOf(layout, options)) + '<g id="frames">\n';
  eachPlacedFrame(layout, options, random, (d) => {
    text += frameSvg(d);
    if (text.length < 32768) return;
    put(text);
    text = '';
  });
  put(text + '</g>\n</svg>\n');
  return out.subarray(0, pos);
}

function frameSvg(d: DrawnFrame): string {
  const ty = fixed(3 + (d.y + d.y + Number(d.height)) / 2, 1);
  return (
    `<g><title>${d.title}</title><rect x="${d.x}" y="${d.y}" width="${d.width}" height="${d.height}" fill="${d.fill}" rx="2" ry="2"/>` +
    `<text x="${fixed(Number(d.x) + 3, 2)}" y="${ty}">${d.label}</text></g>\n`
  );
}

/** A graph with nothing to draw says so (flamegraph.pl draws an error picture too). */
function emptyGraph(o: FlameOptions): string {
  const h = paddings(o).top * 2;
  return svgHead(o, o.width, h) + `<text x="${o.width / 2}" y="${h - o.fontsize}" text-anchor="middle">No stacks to draw</text>\n<g id="frames"></g>\n</svg>\n`;
}

