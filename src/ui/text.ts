/**
 * Styled text lines, measured in terminal cells. Panels are pure functions to lines of segments,
 * so the same code draws the Ink view and the plain-text snapshots.
 */
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

/** Cuts a line to exactly `width` cells (padding with spaces), marking a cut with "…". */
export function fit(line: Line, width: number): Line {
  const out: Line = [];
  let used = 0;
  const total = line.reduce((a, s) => a + s.t.length, 0);
  const cut = total > width;
  const room = cut ? Math.max(0, width - 1) : width;
  for (const s of line) {
    if (used >= room) break;
    const t = s.t.slice(0, room - used);
    used += t.length;
    if (t) out.push({ ...s, t });
  }
  if (cut && width > 0) out.push({ t: '…', dim: true });
  else if (used < width) out.push({ t: ' '.repeat(width - used) });
  return out;
}

export const lineText = (l: Line) => l.map((s) => s.t).join('');

/** Right-aligns or left-aligns text in a column. */
export const col = (t: string, w: number, align: 'left' | 'right' = 'right') => {
  const s = t.length > w ? t.slice(0, Math.max(0, w - 1)) + '…' : t;
  return align === 'right' ? s.padStart(w) : s.padEnd(w);
};
