/**
 * Draws the live screen on a terminal: the styled lines screen.ts builds become escape codes, and
 * only the rows that differ from the last frame are written (cursor moved to the row, the row
 * written, the rest of it erased).
 *
 * Why not Ink's own output: Ink 6 turns every character of every frame into a styled-character
 * object before it writes anything, changed or not: 57 ms of CPU a frame for a 160x48 screen here
 * (scripts/bench-frame.mjs), 11% of a core at two frames a second, more than the whole budget of
 * the live view. The screen already arrives as styled segments, so its escape codes are a string
 * join, and a frame costs a few ms. Ink still runs the view (raw mode, keys, resize, cleanup).
 */
import type { Line, Seg } from './text.js';

const COLOR: Record<NonNullable<Seg['color']>, number> = { red: 31, green: 32, yellow: 33, blue: 34, magenta: 35, cyan: 36, gray: 90 };

/** The SGR parameters of a segment's style, "" for none. */
function sgr(s: Seg): string {
  const p: number[] = [];
  if (s.bold) p.push(1);
  if (s.dim) p.push(2);
  if (s.inverse) p.push(7);
  if (s.color) p.push(COLOR[s.color]);
  return p.join(';');
}

/** One line as terminal text: each styled segment between its SGR code and a reset. */
export function lineToAnsi(line: Line): string {
  let out = '';
  let open = '';
  for (const s of line) {
    if (!s.t) continue;
    const code = sgr(s);
    if (code !== open) {
      out += open ? (code ? `\x1b[0;${code}m` : '\x1b[0m') : `\x1b[${code}m`;
      open = code;
    }
    out += s.t;
  }
  return open ? out + '\x1b[0m' : out;
}

const HIDE_CURSOR = '\x1b[?25l';
const SHOW_CURSOR = '\x1b[?25h';
const CLEAR = '\x1b[2J';

export class LineWriter {
  private rows: string[] = [];
  private started = false;

  constructor(private readonly out: { write(s: string): unknown }) {}

  /** Writes the rows that changed since the last frame; returns the bytes written. */
  draw(lines: Line[], height: number): number {
    let buf = this.started ? '' : HIDE_CURSOR + CLEAR;
    this.started = true;
    const next: string[] = [];
    for (let y = 0; y < height; y++) {
      const text = lineToAnsi(lines[y] ?? []);
      next.push(text);
      if (this.rows[y] !== text) buf += `\x1b[${y + 1};1H${text}\x1b[K`;
    }
    // Rows below a shorter frame (after a resize) are cleared.
    if (this.rows.length > height) buf += `\x1b[${height + 1};1H\x1b[J`;
    this.rows = next;
    if (buf) this.out.write(buf);
    return buf.length;
  }

  /** The terminal's contents are unknown (resized, or written by someone else): redraw all next time. */
  invalidate(): void {
    this.rows = [];
    this.started = false;
  }

  /** Gives the cursor back. */
  close(): void {
    if (this.started) this.out.write(SHOW_CURSOR);
    this.started = false;
  }
}
