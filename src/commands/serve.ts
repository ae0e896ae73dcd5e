/** `ctrscope serve [--listen HOST:PORT] [targets]`: the live view's sources, headless, as Prometheus metrics (src/serve/). */
import type { Command } from 'commander';
import { targetSelection } from './root-options.js';
import { settleForLongRun } from '../util/long-run.js';
import { DEFAULT_LISTEN, parseListen } from '../serve/listen.js';
import { otlpConfig } from '../otel/config.js';

const collect = (v: string, prev: string[] = []) => [...prev, v];

export function registerServe(program: Command): void {
  program
    .command('serve')
    .description('run the live view\'s tracers headless and serve their aggregates for Prometheus: GET /metrics, GET /healthz')
    .option('--listen <host:port>', 'where to serve (127.0.0.1 by default: expose it on purpose with 0.0.0.0)', DEFAULT_LISTEN)
    .option('--pid <pid>', 'trace this process (repeatable)', collect)
    .option('--comm <name>', 'trace processes with this command name (repeatable)', collect)
    .option('--container <id>', 'trace this container (repeatable)', collect)
    .option('--otlp-endpoint <url>', 'send each container start as a trace to this OTLP/HTTP collector, e.g. http://localhost:4318 (default: OTEL_EXPORTER_OTLP_ENDPOINT)')
    .action(async (o: { listen: string; pid?: string[]; comm?: string[]; container?: string[]; otlpEndpoint?: string }) => {
      const listen = parseListen(o.listen);
      const selection = targetSelection(o);
      const otlp = otlpConfig(o.otlpEndpoint);
      settleForLongRun();
      const { runServe } = await import('../serve/run.js');
      process.exitCode = await runServe({ selection, listen, otlp });
    });
}
