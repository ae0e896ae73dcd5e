/** Seeded random edits of real lines, to test that a parser's shortcuts agree with its careful path. */

/** Characters that matter to JSON, plus a tab, a newline, a control character and a non-ASCII one. */
const ALPHABET = '{}[]":,\\ 0123456789-+.eEtrufalsnu\t\n\u0001é';

/** `count` lines, each a random line of `source` with 1..maxEdits deletions, insertions or replacements. */
export function* mutatedLines(source: readonly string[], seed: number, count: number, maxEdits = 3): Generator<string> {
  let x = seed >>> 0 || 1;
  const rnd = (n: number) => ((x = (x * 1103515245 + 12345) >>> 0), x % n);
  for (let i = 0; i < count; i++) {
    let l = source[rnd(source.length)];
    for (let m = 1 + rnd(maxEdits); m > 0; m--) {
      const at = rnd(l.length + 1);
      const c = ALPHABET[rnd(ALPHABET.length)];
      const op = rnd(3);
      l = op === 0 ? l.slice(0, at) + l.slice(at + 1) : op === 1 ? l.slice(0, at) + c + l.slice(at) : l.slice(0, at) + c + l.slice(at + 1);
    }
    yield l;
  }
}
