/** The s key: a short strace of one target, after the person confirmed its cost. */
import type { UiAction } from '../ui/state.js';

export async function runStrace(pid: number, label: string, dispatch: (a: UiAction) => void): Promise<void> {
  dispatch({ type: 'strace', view: { pid, label, state: 'failed', lines: ['not wired yet'] } });
}
