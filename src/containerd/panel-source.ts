/**
 * Feeds the containerd panel: scrapes containerd's metrics every interval and hands each result
 * (or failure) to dispatch, for reduceContainerdPanel. Never throws; stop() ends the polling.
 */
import type { ContainerdPanelAction } from '../aggregate/containerd-panel.js';
import { CtrscopeError } from '../errors.js';
import { metricsUrl } from './endpoints.js';
import { scrape } from './metrics-client.js';

export interface PanelSourceOptions {
  /** --metrics-url, else found from containerd's config at each failure. */
  metricsUrl?: string;
  intervalMs?: number;
}

export function startContainerdPanelSource(dispatch: (a: ContainerdPanelAction) => void, o: PanelSourceOptions = {}): { stop: () => void } {
  let stopped = false;
  let url: string | undefined = o.metricsUrl;
  let timer: NodeJS.Timeout | undefined;
  const tick = async () => {
    try {
      url ??= metricsUrl(undefined);
      const r = await scrape(url);
      if (!stopped) dispatch({ type: 'scrape', atMs: r.atMs, scrape: r.scrape });
    } catch (e) {
      // containerd may restart with another config: look the URL up again next time.
      if (!o.metricsUrl) url = undefined;
      if (!stopped) dispatch({ type: 'error', atMs: Date.now(), message: e instanceof CtrscopeError ? e.line().replace(/^ctrscope: /, '') : String((e as Error).message) });
    }
    if (!stopped) timer = setTimeout(tick, o.intervalMs ?? 1000);
  };
  void tick();
  return {
    stop: () => {
      stopped = true;
      if (timer) clearTimeout(timer);
    },
  };
}
