/** Reading a folded-stacks file (or stdin) for `flamegraph` and `diff`, with one-line errors. */
import { readFileSync } from 'node:fs';
import { FoldedParser, type FoldedRead } from '../../parsers/folded.js';
import { readFoldedBytes, type FoldedBytes } from '../../parsers/folded-bytes.js';
import { LineSplitter } from '../../parsers/lines.js';
import { CtrscopeError } from '../errors.js';
import { binaryInput, textChunks, openInput, readError, type InputKind } from '../input.js';

/** The whole input's bytes: a file in one read, stdin as it comes; refused if it is not text. */
async function readBytes(file: string, kind: InputKind): Promise<Buffer> {
  const name = file === '-' ? 'stdin' : file;
  if (file !== '-') {
    // One read of the file's size (a 1 MiB stream and a concat of it costs twice the copying).
    let bytes: Buffer;
    try {
      bytes = readFileSync(file);
    } catch (err) {
      throw readError(file, err, kind);
    }
    const bad = binaryInput(bytes, name, kind);
    if (bad) throw bad;
    return bytes;
  }
  const input = await openInput(file, kind, 1 << 20);
  const chunks: Buffer[] = [];
  try {
    for await (const chunk of textChunks(input as AsyncIterable<Buffer>, name, kind)) chunks.push(chunk);
  } catch (err) {
    if (err instanceof CtrscopeError) throw err;
    throw readError(file, err, kind);
  }
  return chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks);
}

/**
 * Every line of a folded file; `counts: 1` reads one profile's file (a trailing number is the count).
 * `sorted`: the entries come in flamegraph.pl's order, whole lines in code-unit order (the lines are
 * sorted as strings before they are read, natively: sorting the entries after costs a map from
 * key to entry, which hashes every line).
 */
export async function readFolded(file: string, kind: InputKind, counts: 1 | 2 = 2, sorted = false): Promise<FoldedRead> {
  return readFoldedText(await readBytes(file, kind), file, kind, counts, sorted);
}

/**
 * For `flamegraph` (two counts, flamegraph.pl's order): an ASCII file's lines in place
 * (readFoldedBytes, for layoutFoldedBytes), anything else read as text (readFolded's entries).
 */
export async function readFoldedSorted(file: string, kind: InputKind): Promise<{ bytes: FoldedBytes } | { text: FoldedRead }> {
  const bytes = await readBytes(file, kind);
  const read = readFoldedBytes(bytes);
  if (!read) return { text: readFoldedText(bytes, file, kind, 2, true) };
  checkRead(read.n, read.lines, read.unrecognized, file, kind);
  return { bytes: read };
}

function checkRead(entries: number, lines: number, unrecognized: number, file: string, kind: InputKind): void {
  const name = file === '-' ? 'stdin' : file;
  if (entries === 0) {
    throw new CtrscopeError('input', `${name} holds no folded stacks ("frame;frame;frame COUNT" lines)`, `make them with ${kind.example}`);
  }
  if (unrecognized > 0) {
    process.stderr.write(`ctrscope: ${kind.command}: ${unrecognized} of ${lines} lines of ${name} are not folded stacks; skipped\n`);
  }
}

function readFoldedText(bytes: Buffer, file: string, kind: InputKind, counts: 1 | 2, sorted: boolean): FoldedRead {
  const parser = new FoldedParser(counts);
  const splitter = new LineSplitter();
  const lines: string[] = [];
  // Sorted as FoldedParser keys them: without one trailing "\r"; empty lines are not lines. A line
  // still ending in "\r" is no folded stack (no count at its end): read now, it is only counted.
  const keep = (t: string, s: number, e: number) => {
    const k = e > s && t.charCodeAt(e - 1) === 13 ? e - 1 : e;
    if (k > s && t.charCodeAt(k - 1) === 13) parser.lineSpan(t, s, e);
    else if (k > s) lines.push(s === 0 && k === t.length ? t : t.slice(s, k));
  };
  const onRange = sorted ? keep : (t: string, s: number, e: number) => parser.lineSpan(t, s, e);
  // The whole input is kept anyway (a graph needs every line): one decode of it all (a leading BOM
  // dropped, as the splitter's streaming decoder does) is 4-5x cheaper than a streaming decode,
  // even of one chunk.
  splitter.pushRanges(new TextDecoder('utf-8').decode(bytes), onRange);
  splitter.endRanges(onRange);
  if (sorted) {
    lines.sort();
    for (const line of lines) parser.line(line);
  }
  const read = parser.result();
  checkRead(read.entries.length, read.lines, read.unrecognized, file, kind);
  return read;
}
