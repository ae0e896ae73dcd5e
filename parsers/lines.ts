/**
 * Splits a stream of chunks (strings or bytes) into lines, whatever the chunk boundaries.
 * Bytes are decoded as UTF-8 (streaming where a chunk ends inside a character): a character cut
 * between two chunks is joined,
 * invalid bytes become U+FFFD (never an exception). A trailing "\r" is kept: parsers decide.
 */
export class LineSplitter {
  private rest = '';
  private readonly decoder = new TextDecoder('utf-8');
  /** For whole chunks in the middle of the stream: a BOM there is content, not a marker. */
  private readonly wholeDecoder = new TextDecoder('utf-8', { ignoreBOM: true });
  /** Whether `decoder` may hold the first bytes of a character cut at the end of the last chunk. */
  private partial = true;

  /** Feeds a chunk; calls onLine for each complete line (without its "\n"). */
  push(chunk: string | Uint8Array, onLine: (line: string) => void): void {
    this.pushRanges(chunk, (text, start, end) => onLine(start === 0 && end === text.length ? text : text.slice(start, end)));
  }

  /**
   * Like push, but hands each line over as (text, start, end), end excluding the "\n", without
   * cutting it out of the decoded chunk: a parser that reads lines in place saves a string a line.
   */
  pushRanges(chunk: string | Uint8Array, onRange: (text: string, start: number, end: number) => void): void {
    const text = this.decode(chunk);
    if (text.length === 0) return;
    let start = 0;
    let nl = text.indexOf('\n');
    if (nl === -1) {
      this.rest += text;
      return;
    }
    if (this.rest.length > 0) {
      const first = this.rest + text.slice(0, nl);
      this.rest = '';
      onRange(first, 0, first.length);
      start = nl + 1;
      nl = text.indexOf('\n', start);
    }
    while (nl !== -1) {
      onRange(text, start, nl);
      start = nl + 1;
      nl = text.indexOf('\n', start);
    }
    this.rest = text.slice(start);
  }

  /** Ends the stream: the last line, if it had no "\n", is emitted. */
  end(onLine: (line: string) => void): void {
    const tail = this.tail();
    if (tail.length > 0) onLine(tail);
  }

  /** end() for pushRanges. */
  endRanges(onRange: (text: string, start: number, end: number) => void): void {
    const tail = this.tail();
    if (tail.length > 0) onRange(tail, 0, tail.length);
  }

  private tail(): string {
    const tail = this.rest + this.decoder.decode();
    this.rest = '';
    return tail;
  }

  private decode(chunk: string | Uint8Array): string {
    if (typeof chunk === 'string') return chunk;
    if (!this.partial && chunk.length > 0 && chunk[chunk.length - 1]! < 0x80) {
      // Nothing held over and the chunk ends on a whole character: decode it in one go (Node 20's
      // streaming TextDecoder is about ten times slower than a whole-buffer decode).
      return this.wholeDecoder.decode(chunk);
    }
    if (chunk.length > 0) this.partial = chunk[chunk.length - 1]! >= 0x80;
    return this.decoder.decode(chunk, { stream: true });
  }
}

/** A parser that reads one line at a time and can report its aggregate at any moment. */
export interface LineParser<R> {
  /** One line without its newline. Must never throw. */
  line(text: string): void;
  /** Optional: the line text[start, end), read in place (see LineSplitter.pushRanges). */
  lineSpan?(text: string, start: number, end: number): void;
  /** The aggregate so far (callable repeatedly: the live view polls it). */
  result(): R;
}

/** Runs a line parser over a sequence of chunks and returns its result. */
export function parseChunks<R>(parser: LineParser<R>, chunks: Iterable<string | Uint8Array>): R {
  const splitter = new LineSplitter();
  if (parser.lineSpan) {
    const onRange = (t: string, s: number, e: number) => parser.lineSpan!(t, s, e);
    for (const c of chunks) splitter.pushRanges(c, onRange);
    splitter.endRanges(onRange);
    return parser.result();
  }
  const onLine = (l: string) => parser.line(l);
  for (const c of chunks) splitter.push(c, onLine);
  splitter.end(onLine);
  return parser.result();
}
