/** Scrapes containerd's Prometheus metrics endpoint. */
import { parseChunks } from '../../parsers/lines.js';
import { PrometheusTextParser, type PromScrape } from '../../parsers/prometheus-text.js';
import { getUrl } from './http.js';

export interface TimedScrape {
  /** Date.now() when the answer arrived. */
  atMs: number;
  scrape: PromScrape;
}

export async function scrape(url: string): Promise<TimedScrape> {
  const body = await getUrl(url, { timeoutMs: 10_000, maxBytes: 64 * 1024 * 1024 });
  return { atMs: Date.now(), scrape: parseChunks(new PrometheusTextParser(), [body]) };
}
