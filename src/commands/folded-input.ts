/** Reading a folded-stacks file (or stdin) for `flamegraph` and `diff`, with one-line errors. */
import { closeSync, fstatSync, openSync, readFileSync, readSync } from 'node:fs';
import { FoldedParser, type FoldedRead } from '../../parsers/folded.js';
import { FoldedTrieReader } from '../../parsers/folded-trie.js';
import type { FoldedTrie } from '../../parsers/folded-trie-shape.js';
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
 * For `flamegraph` (two counts, flamegraph.pl's order): an ASCII input read chunk by chunk into a
 * trie (FoldedTrieReader: the whole file is never held), anything else read as text (readFolded's
 * entries, sorted).
 */
export async function readFoldedTrie(file: string, kind: InputKind): Promise<{ trie: FoldedTrie } | { text: FoldedRead }> {
  const name = file === '-' ? 'stdin' : file;
  if (file === '-') {
    const reader = new FoldedTrieReader();
    let ascii = true;
    const input = await openInput(file, kind, 1 << 20);
    const chunks: Buffer[] = [];
    try {
      // Past the first chunk that is not ASCII, the chunks are only kept, for the text reading.
      for await (const chunk of textChunks(input as AsyncIterable<Buffer>, name, kind)) {
        if (ascii) ascii = reader.write(chunk);
        chunks.push(chunk);
      }
    } catch (err) {
      if (err instanceof CtrscopeError) throw err;
      throw readError(file, err, kind);
    }
    const trie = reader.end();
    if (trie) return checked(trie, file, kind);
    return { text: readFoldedText(chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks), file, kind, 2, true) };
  }
  // Read into the reader's own buffer, again and again: its pages stay mapped and cached (45 MB
  // read into one fresh buffer took 11,000 page faults).
  let fd: number;
  try {
    fd = openSync(file, 'r');
  } catch (err) {
    throw readError(file, err, kind);
  }
  let reader: FoldedTrieReader;
  try {
    reader = new FoldedTrieReader(fstatSync(fd).size);
    let first = true;
    const read = (into: Uint8Array) => {
      const n = readSync(fd, into, 0, into.length, null);
      if (first) {
        first = false;
        const bad = binaryInput(into.subarray(0, n), name, kind);
        if (bad) throw bad;
      }
      return n;
    };
    // Until the end, or a chunk that is not ASCII (reader.end() then says null).
    while (reader.writeFrom(read) > 0);
  } catch (err) {
    if (err instanceof CtrscopeError) throw err;
    throw readError(file, err, kind);
  } finally {
    closeSync(fd);
  }
  const trie = reader.end();
  if (trie) return checked(trie, file, kind);
  return { text: readFoldedText(await readBytes(file, kind), file, kind, 2, true) };
}

function checked(trie: FoldedTrie, file: string, kind: InputKind): { trie: FoldedTrie } {
  checkRead(trie.entries, trie.lineCount, trie.unrecognized, file, kind);
  return { trie };
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
