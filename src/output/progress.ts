/** A one-line progress display on stderr while a probe runs, only when stderr is a terminal. */
export class Progress {
  private timer?: NodeJS.Timeout;
  private started = 0;
  constructor(
    private readonly name: string,
    private readonly durationS: number,
    private readonly events: () => number,
    private readonly stream: NodeJS.WriteStream = process.stderr,
  ) {}

  start(): void {
    if (!this.stream.isTTY || this.timer) return;
    this.started = Date.now();
    this.timer = setInterval(() => this.draw(), 250);
  }

  private draw(): void {
    const el = (Date.now() - this.started) / 1000;
    const left = Math.max(0, this.durationS - el);
    this.stream.write(`\r\x1b[K${this.name}: ${el.toFixed(1)} s elapsed, ${left.toFixed(1)} s left, ${this.events().toLocaleString('en-US')} events (Ctrl-C ends early)`);
  }

  stop(): void {
    if (!this.timer) return;
    clearInterval(this.timer);
    this.timer = undefined;
    this.stream.write('\r\x1b[K');
  }
}
