/** Exit codes: each kind of failure a person can act on gets its own. */
export const ExitCode = {
  ok: 0,
  internal: 1,
  usage: 2,
  notRoot: 3,
  missingTool: 4,
  kernelFeature: 5,
  containerd: 6,
  input: 7,
  tracer: 8,
  output: 9,
  /** --assert: the run went fine and at least one assertion did not hold. */
  assertion: 10,
  interrupted: 130,
} as const;
export type ExitCodeName = keyof typeof ExitCode;

/** An error meant for a person: one line saying what is wrong and how to fix it. */
export class CtrscopeError extends Error {
  readonly exitCode: number;
  readonly hint?: string;
  constructor(kind: ExitCodeName, message: string, hint?: string) {
    super(message);
    this.name = 'CtrscopeError';
    this.exitCode = ExitCode[kind];
    this.hint = hint;
  }
  /** The single line printed on stderr. */
  line(): string {
    return this.hint ? `ctrscope: ${this.message} (${this.hint})` : `ctrscope: ${this.message}`;
  }
}

export const usageError = (message: string, hint?: string) => new CtrscopeError('usage', message, hint);
