/**
 * The shell every session that stays running shares (the live view, replay, serve): SIGINT,
 * SIGTERM and SIGHUP start one orderly stop, the stop runs once however often it is asked for,
 * and the handlers stay installed until it has finished, so that a second Ctrl-C during the
 * cleanup finds ours (execa's signal-exit would otherwise re-raise it and end the process before
 * the tracers have stopped and the containers are removed).
 */
const SIGNALS = ['SIGINT', 'SIGTERM', 'SIGHUP'] as const;

export interface SessionShell {
  /** Stops the session (once): runs the cleanup and resolves `done` with the code. */
  shutdown(code?: number): Promise<number>;
  /** Resolves when the session has stopped. */
  done: Promise<number>;
}

export interface ShellOptions {
  /**
   * Exit the process shortly after the cleanup: everything started has stopped, and a timer left
   * pending elsewhere (the runner's stop ladder waits out its deadlines) must not hold the
   * shell prompt. Off for in-process callers (tests, replay into a stream).
   */
  exitAfter?: boolean;
}

export function sessionShell(cleanup: () => Promise<unknown>, o: ShellOptions = {}): SessionShell {
  let stopping: Promise<number> | null = null;
  let finish!: (code: number) => void;
  const done = new Promise<number>((r) => (finish = r));
  const onSignal = () => void shutdown();
  const shutdown = (code = 0): Promise<number> => {
    stopping ??= (async () => {
      try {
        await cleanup();
      } finally {
        for (const s of SIGNALS) process.off(s, onSignal);
        if (o.exitAfter) setTimeout(() => process.exit(), 300).unref();
      }
      return code;
    })();
    void stopping.then(finish, () => finish(code));
    return stopping;
  };
  for (const s of SIGNALS) process.on(s, onSignal);
  return { shutdown, done };
}
