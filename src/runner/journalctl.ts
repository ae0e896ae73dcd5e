/** `journalctl -u UNIT -o json`: a systemd unit's journal, one JSON record a line (with -f, until stopped). */
import { Tracer } from './tracer.js';

export function journalctl(unit: string, opts: { sinceEpochSeconds?: number; follow: boolean }): Tracer {
  const argv = ['journalctl', '-u', unit, '-o', 'json', '--no-pager', ...(opts.sinceEpochSeconds !== undefined ? [`--since=@${Math.floor(opts.sinceEpochSeconds)}`] : []), ...(opts.follow ? ['-f'] : [])];
  return new Tracer({ label: 'journalctl', argv, graceMs: 500 });
}
