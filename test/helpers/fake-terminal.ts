/**
 * A terminal for the live view's frontend without a PTY: what the view writes goes through a
 * headless xterm (every escape sequence interpreted, as a person's terminal would), and keys are
 * handed to Ink the way a raw-mode stdin hands them.
 */
import { EventEmitter } from 'node:events';
import xterm from '@xterm/headless';

export class FakeTerminal extends EventEmitter {
  isTTY = true;
  written = '';
  readonly term: xterm.Terminal;

  constructor(
    public columns = 120,
    public rows = 40,
  ) {
    super();
    this.term = new xterm.Terminal({ cols: columns, rows, allowProposedApi: true });
  }

  write(s: string) {
    this.written += s;
    this.term.write(s);
    return true;
  }

  /** Resizes the terminal and tells the view, as a SIGWINCH would. */
  resize(cols: number, rows: number) {
    this.columns = cols;
    this.rows = rows;
    this.term.resize(cols, rows);
    this.emit('resize');
  }

  /** The screen's text, one string per row, trailing spaces cut. */
  async screen(): Promise<string[]> {
    await new Promise<void>((r) => this.term.write('', r));
    const b = this.term.buffer.active;
    const out: string[] = [];
    for (let y = 0; y < this.term.rows; y++) out.push(b.getLine(b.viewportY + y)?.translateToString(true) ?? '');
    return out;
  }
}

export class FakeKeys extends EventEmitter {
  isTTY = true;
  private data: string | null = null;
  setEncoding() {}
  setRawMode() {}
  resume() {}
  pause() {}
  ref() {}
  unref() {}
  read = () => {
    const d = this.data;
    this.data = null;
    return d;
  };
  press(s: string) {
    this.data = s;
    this.emit('readable');
  }
}
