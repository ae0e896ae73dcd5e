/** Reading a folded-stacks file (or stdin) for `flamegraph` and `diff`, with one-line errors. */
import { FoldedParser, type FoldedRead } from '../../parsers/folded.js';
import { LineSplitter } from '../../parsers/lines.js';
import { CtrscopeError } from '../errors.js';
import { textChunks, openInput, readError, type InputKind } from '../input.js';

/** Every line of a folded file; `counts: 1` reads one profile's file (a trailing number is the count). */
export async function readFolded(file: string, kind: InputKind, counts: 1 | 2 = 2): Promise<FoldedRead> {
  const input = await openInput(file, kind, 1 << 20);
  const parser = new FoldedParser(counts);
  const splitter = new LineSplitter();
  const onRange = (t: string, s: number, e: number) => parser.lineSpan(t, s, e);
  // The whole input is kept anyway (a graph needs every line): one decode of it all is 5-10x
  // cheaper than a streaming decode chunk by chunk.
  const chunks: Buffer[] = [];
  try {
    for await (const chunk of textChunks(input as AsyncIterable<Buffer>, file === '-' ? 'stdin' : file, kind)) {
      chunks.push(chunk);
    }
  } catch (err) {
    if (err instanceof CtrscopeError) throw err;
    throw readError(file, err, kind);
  }
  splitter.pushRanges(Buffer.concat(chunks), onRange);
  splitter.endRanges(onRange);
  const read = parser.result();
  const name = file === '-' ? 'stdin' : file;
  if (read.entries.length === 0) {
    throw new CtrscopeError('input', `${name} holds no folded stacks ("frame;frame;frame COUNT" lines)`, `make them with ${kind.example}`);
  }
  if (read.unrecognized > 0) {
    process.stderr.write(`ctrscope: ${kind.command}: ${read.unrecognized} of ${read.lines} lines of ${name} are not folded stacks; skipped\n`);
  }
  return read;
}
