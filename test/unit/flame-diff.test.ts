/**
 * `ctrscope diff` agrees with difffolded.pl: the conformance corpus' two-count files
 * (shared/conformance/flamegraph-svg/diff-*.folded3, made by difffolded.pl as its README says) are
 * what ctrscope prints for the same two profiles, with and without -n; -s merges stacks that differ
 * only in hex addresses. Then the built CLI on files, with its errors.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { FoldedParser } from '../../parsers/folded.js';
import { parseChunks } from '../../parsers/lines.js';
import { diffFolded, renderDiff } from '../../src/flame/diff.js';
import { runCli } from '../helpers/cli.js';
import { CONFORMANCE_DIR, SVG_CONFORMANCE_DIR, missing } from '../helpers/prereq.js';

const skip = missing('flamegraph-svg-conformance', 'flamegraph-conformance');
const tmp = mkdtempSync(join(tmpdir(), 'ctrscope-diff-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

const read = (text: string | Buffer) => parseChunks(new FoldedParser(1), [text]).entries;
const sortedLines = (text: string) => text.split('\n').filter((l) => l !== '').sort();
const corpus = (name: string) => readFileSync(join(CONFORMANCE_DIR, 'results', `${name}.txt`), 'utf8');

/**
 * The README's second vertx profile: counts of stacks with "vertx" doubled, the others halved
 * (integer division), each line's fields re-joined by one space as awk prints a changed line.
 */
function vertxScaled(text: string): string {
  return text
    .split('\n')
    .filter((l) => l !== '')
    .map((l) => {
      const fields = l.trim().split(/\s+/);
      const n = Number(fields.pop());
      return `${fields.join(' ')} ${l.includes('vertx') ? n * 2 : Math.floor(n / 2)}`;
    })
    .join('\n');
}

describe.skipIf(skip)('diff against difffolded.pl', () => {
  const before = skip ? '' : corpus('perf-vertx-stacks-01-collapsed-default');
  const after = skip ? '' : vertxScaled(before);

  it('-n: the first profile scaled to the second total, truncated (diff-vertx-scaled)', () => {
    const ours = renderDiff(diffFolded(read(before), read(after), { normalize: true, stripHex: false }));
    const theirs = readFileSync(join(SVG_CONFORMANCE_DIR, 'diff-vertx-scaled.folded3'), 'utf8');
    expect(sortedLines(theirs).length).toBeGreaterThan(100);
    expect(sortedLines(ours)).toEqual(sortedLines(theirs));
  });

  it('without -n: the counts as they are (diff-vertx-scaled-raw)', () => {
    const ours = renderDiff(diffFolded(read(before), read(after), { normalize: false, stripHex: false }));
    expect(sortedLines(ours)).toEqual(sortedLines(readFileSync(join(SVG_CONFORMANCE_DIR, 'diff-vertx-scaled-raw.folded3'), 'utf8')));
  });

  it('two captures whose stack names differ (diff-perf-funcab-cmd-01-perf-funcab-pid-01)', () => {
    const a = corpus('perf-funcab-cmd-01-collapsed-default');
    const b = corpus('perf-funcab-pid-01-collapsed-default');
    const ours = renderDiff(diffFolded(read(a), read(b), { normalize: true, stripHex: false }));
    const theirs = sortedLines(readFileSync(join(SVG_CONFORMANCE_DIR, 'diff-perf-funcab-cmd-01-perf-funcab-pid-01.folded3'), 'utf8'));
    expect(sortedLines(ours)).toEqual(theirs);
    expect(theirs.length).toBeGreaterThan(1);
  });
});

describe('diff options and CLI', () => {
  it('-s: stacks that differ only in hex addresses are one stack', () => {
    // Hand-written edge case: the same function at two load addresses.
    const a = read('app;0x7f12ab00;main 5\napp;f+0x1f 2\n');
    const b = read('app;0x55cd0010;main 3\n');
    expect(renderDiff(diffFolded(a, b, { normalize: false, stripHex: true }))).toBe('app;0x...;main 5 3\napp;f+0x... 2 0\n');
    expect(renderDiff(diffFolded(a, b, { normalize: false, stripHex: false })).split('\n')).toHaveLength(4);
  });

  it('reads two files, and - for one of them', async () => {
    writeFileSync(join(tmp, 'a.folded'), 'x;y 4\nx;z 4\n');
    writeFileSync(join(tmp, 'b.folded'), 'x;y 2\n');
    const r = await runCli(['diff', '-n', join(tmp, 'a.folded'), join(tmp, 'b.folded')]);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toBe('x;y 1 2\nx;z 1 0\n');
    const stdin = await runCli(['diff', join(tmp, 'a.folded'), '-'], { input: 'x;z 9\n' });
    expect(stdin.stdout).toBe('x;y 4 0\nx;z 4 9\n');
  });

  it('says what is wrong, on one line, with an exit code', async () => {
    const missingFile = await runCli(['diff', join(tmp, 'nope'), join(tmp, 'b.folded')]);
    expect(missingFile.code).toBe(7);
    expect(missingFile.stderr).toMatch(/^ctrscope: cannot read .*nope: no such file/);
    expect(missingFile.stderr.trim().split('\n')).toHaveLength(1);
    const both = await runCli(['diff', '-', '-']);
    expect(both.code).toBe(2);
    expect(both.stderr).toContain('at most one profile from stdin');
    writeFileSync(join(tmp, 'empty.folded'), 'not folded\n');
    const empty = await runCli(['diff', join(tmp, 'empty.folded'), join(tmp, 'b.folded')]);
    expect(empty.code).toBe(7);
    expect(empty.stderr).toContain('holds no folded stacks');
  });
});
