/**
 * Splits a stream of chunks (strings or bytes) into lines, whatever the chunk boundaries.
 * Bytes are decoded as UTF-8 in streaming mode: a character cut between two chunks is joined,
 * invalid bytes become U+FFFD (never an exception). A trailing "\r" is kept: parsers decide.
 */
export class LineSplitter {
  private rest = '';
  private readonly decoder = new TextDecoder('utf-8');

  /** Feeds a chunk; calls onLine for each complete line (without its "\n"). */
  push(chunk: string | Uint8Array, onLine: (line: string) => void): void {
    const text = typeof chunk === 'string' ? chunk : this.decoder.decode(chunk, { stream: true });
    if (text.length === 0) return;
    let start = 0;
    let nl = text.indexOf('\n');
    if (nl === -1) {
      this.rest += text;
      return;
    }
    if (this.rest.length > 0) {
      onLine(this.rest + text.slice(0, nl));
      this.rest = '';
      start = nl + 1;
      nl = text.indexOf('\n', start);
    }
    while (nl !== -1) {
      onLine(text.slice(start, nl));
      start = nl + 1;
      nl = text.indexOf('\n', start);
    }
    this.rest = text.slice(start);
  }

  /** Ends the stream: the last line, if it had no "\n", is emitted. */
  end(onLine: (line: string) => void): void {
    const tail = this.rest + this.decoder.decode();
    this.rest = '';
    if (tail.length > 0) onLine(tail);
  }
}

/** A parser that reads one line at a time and can report its aggregate at any moment. */
export interface LineParser<R> {
  /** One line without its newline. Must never throw. */
  line(text: string): void;
  /** The aggregate so far (callable repeatedly: the live view polls it). */
  result(): R;
}

/** Runs a line parser over a sequence of chunks and returns its result. */
export function parseChunks<R>(parser: LineParser<R>, chunks: Iterable<string | Uint8Array>): R {
  const splitter = new LineSplitter();
  const onLine = (l: string) => parser.line(l);
  for (const c of chunks) splitter.push(c, onLine);
  splitter.end(onLine);
  return parser.result();
}
