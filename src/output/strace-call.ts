/** One traced call as strace prints it: `name(args) = ret ERRNO`. The one place that writes it. */
import type { StraceCall } from '../../parsers/strace.js';

/** The call line; args longer than maxArgs characters are cut to maxArgs with a closing '…'. */
export function callLine(c: Pick<StraceCall, 'syscall' | 'args' | 'ret' | 'errno'>, maxArgs = Infinity): string {
  const args = c.args.length > maxArgs ? `${c.args.slice(0, maxArgs - 1)}…` : c.args;
  return `${c.syscall}(${args}) = ${c.ret}${c.errno ? ` ${c.errno}` : ''}`;
}
