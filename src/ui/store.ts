/** Holds the UI state outside React: dispatch runs the reducer, then the effects it asked for. */
import { reduce, type Effect, type UiAction, type UiState } from './state.js';

export type EffectRunner = (e: Effect, dispatch: (a: UiAction) => void) => void;

export class UiStore {
  private state: UiState;
  private readonly listeners = new Set<() => void>();

  constructor(
    initial: UiState,
    private readonly run: EffectRunner,
  ) {
    this.state = initial;
  }

  getState = (): UiState => this.state;

  subscribe = (fn: () => void): (() => void) => {
    this.listeners.add(fn);
    return () => this.listeners.delete(fn);
  };

  dispatch = (a: UiAction): void => {
    const step = reduce(this.state, a);
    if (step.state !== this.state) {
      this.state = step.state;
      for (const fn of this.listeners) fn();
    }
    for (const e of step.effects) this.run(e, this.dispatch);
  };
}
