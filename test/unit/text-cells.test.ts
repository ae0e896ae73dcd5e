/** Terminal cells, not UTF-16 units: a CJK path or an emoji keeps the columns of lines and tables. */
import stringWidth from 'string-width';
import { describe, expect, it } from 'vitest';
import { renderTable } from '../../src/output/table.js';
import { cellWidth, col, fit, lineText, seg, sliceCells } from '../../src/ui/text.js';

const CJK = '/var/lib/容器/日志.txt'; // 4 wide characters: 18 UTF-16 units, 22 cells
const EMOJI = '/tmp/🚀/x'; // one emoji: two UTF-16 units, two cells

describe('cells', () => {
  it('measures CJK and emoji as two cells each', () => {
    expect(cellWidth(CJK)).toBe(CJK.length + 4);
    expect(cellWidth(EMOJI)).toBe(9);
    expect(cellWidth('▁▂█ │ ─ … µs ● ▏')).toBe(16);
    expect(cellWidth('a\u00adb')).toBe(2);
  });

  it('counts the narrow characters it checks itself as string-width does', () => {
    let checked = 0;
    for (const [a, b] of [[0x20, 0x7e], [0xa0, 0x2ff], [0x2010, 0x2027], [0x2030, 0x205e], [0x2190, 0x21ff], [0x2500, 0x25fc]]) {
      for (let c = a!; c <= b!; c++) {
        if (c === 0xad) continue; // the soft hyphen: no cell, measured by string-width
        const ch = String.fromCharCode(c);
        expect(cellWidth(`a${ch}b`), `U+${c.toString(16)}`).toBe(stringWidth(`a${ch}b`));
        checked++;
      }
    }
    expect(checked).toBeGreaterThan(900);
  });

  it('fits a line with a CJK path to exactly the width asked, never splitting a wide character', () => {
    for (const w of [10, 11, 12, 30]) {
      const l = fit([seg('open '), seg(CJK, { color: 'blue' })], w);
      expect(cellWidth(lineText(l))).toBe(w);
    }
    expect(lineText(fit([seg('open '), seg(CJK)], 30))).toBe(`open ${CJK}   `);
    // "/var/lib/" is 9 cells, 容 would take cells 10-11 of 11: a space stands in for it.
    expect(lineText(fit([seg(CJK)], 11))).toBe('/var/lib/ …');
    expect(sliceCells(EMOJI, 5, 7)).toBe('🚀');
    expect(sliceCells(EMOJI, 6, 8)).toBe(' /');
  });

  it('pads and cuts columns by cells', () => {
    expect(col(EMOJI, 12, 'left')).toBe(`${EMOJI}   `);
    expect(cellWidth(col(CJK, 12, 'left'))).toBe(12);
    expect(cellWidth(col(CJK, 15))).toBe(15);
    expect(col('日志', 6)).toBe('  日志');
  });

  it('keeps a table aligned when a path has CJK characters or an emoji', () => {
    const rows = [
      { path: CJK, n: '12' },
      { path: EMOJI, n: '3' },
      { path: '/etc/hosts', n: '456' },
    ];
    const out = renderTable(rows, [
      { title: 'PATH', get: (r) => r.path, align: 'left' },
      { title: 'OPENS', get: (r) => r.n },
    ]);
    const lines = out.trimEnd().split('\n');
    expect(lines).toHaveLength(4);
    const widths = lines.map((l) => stringWidth(l));
    expect(new Set(widths).size).toBe(1);
    expect(lines[1]).toBe(`${CJK}     12`);
    expect(lines[2]).toBe(`${EMOJI}${' '.repeat(13 + 2 + 4)}3`);
  });
});
