/**
 * Styled text lines, measured in terminal cells (string-width, as Ink measures them: a CJK
 * character or an emoji takes two cells). Panels are pure functions to lines of segments, so the
 * same code draws the Ink view and the plain-text snapshots.
 */
import stringWidth from 'string-width';

export interface Seg {
  t: string;
  color?: 'red' | 'green' | 'yellow' | 'cyan' | 'magenta' | 'blue' | 'gray';
  bold?: boolean;
  dim?: boolean;
  inverse?: boolean;
}
export type Line = Seg[];

export const seg = (t: string, style: Omit<Seg, 't'> = {}): Seg => ({ t, ...style });
export const plain = (t: string): Line => [{ t }];

const graphemes = new Intl.Segmenter();

/**
 * Characters that take one cell each, as string-width counts them, checked without it: ASCII,
 * Latin-1 and Latin Extended (no combining marks, no soft hyphen), general punctuation (…, ·), arrows, box drawing,
 * block elements and geometric shapes up to U+25FC (◽ and ◾ are emoji, two cells).
 */
const narrow = (c: number) =>
  (c >= 0x20 && c <= 0x7e) || (c >= 0xa0 && c <= 0x2ff && c !== 0xad) || (c >= 0x2010 && c <= 0x2027) || (c >= 0x2030 && c <= 0x205e) || (c >= 0x2190 && c <= 0x21ff) || (c >= 0x2500 && c <= 0x25fc);

/** Every character one cell (and one UTF-16 unit): cells are then string indexes. */
export function allNarrow(t: string): boolean {
  for (let i = 0; i < t.length; i++) if (!narrow(t.charCodeAt(i))) return false;
  return true;
}

/** Terminal cells a string takes. */
export const cellWidth = (t: string): number => (allNarrow(t) ? t.length : stringWidth(t));

export const lineWidth = (l: Line): number => l.reduce((a, s) => a + cellWidth(s.t), 0);

/**
 * Cells [from, to) of a string, whole characters only: a wide character that would straddle
 * either edge is left out and its cell given as a space, so the result is exactly as wide as asked
 * (or as the string, when shorter).
 */
export function sliceCells(t: string, from: number, to: number): string {
  if (allNarrow(t)) return t.slice(from, to);
  let out = '';
  let x = 0;
  for (const { segment } of graphemes.segment(t)) {
    if (x >= to) break;
    const w = stringWidth(segment);
    const end = x + w;
    if (x >= from && end <= to) out += segment;
    else if (end > from && x < to) out += ' '.repeat(Math.min(end, to) - Math.max(x, from));
    x = end;
  }
  return out;
}

/** The first `width` cells of a string. */
export const cutCells = (t: string, width: number): string => sliceCells(t, 0, Math.max(0, width));

/** Pads a string with spaces to `width` cells, on the right or (align right) on the left. */
export function padCells(t: string, width: number, align: 'left' | 'right' = 'left'): string {
  const pad = ' '.repeat(Math.max(0, width - cellWidth(t)));
  return align === 'right' ? pad + t : t + pad;
}

/** Cuts a line to exactly `width` cells (padding with spaces), marking a cut with "…". */
export function fit(line: Line, width: number): Line {
  const out: Line = [];
  let used = 0;
  const widths = line.map((s) => cellWidth(s.t));
  const total = widths.reduce((a, w) => a + w, 0);
  const cut = total > width;
  const room = cut ? Math.max(0, width - 1) : width;
  for (const [i, s] of line.entries()) {
    if (used >= room) break;
    const t = used + widths[i]! <= room ? s.t : cutCells(s.t, room - used);
    used += t === s.t ? widths[i]! : cellWidth(t);
    if (t) out.push(t === s.t ? s : { ...s, t });
  }
  if (cut && width > 0) out.push({ t: ' '.repeat(Math.max(0, room - used)) + '…', dim: true });
  else if (used < width) out.push({ t: ' '.repeat(width - used) });
  return out;
}

export const lineText = (l: Line) => l.map((s) => s.t).join('');

/** Right-aligns or left-aligns text in a column of `w` cells, cutting it with "…" when wider. */
export const col = (t: string, w: number, align: 'left' | 'right' = 'right') => {
  const s = cellWidth(t) > w ? cutCells(t, Math.max(0, w - 1)) + (w > 0 ? '…' : '') : t;
  return padCells(s, w, align);
};
