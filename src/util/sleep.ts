/** Waiting without keeping the process alive: the one sleep. */

/** Resolves after ms; the timer does not hold the event loop open. */
export const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms).unref());
