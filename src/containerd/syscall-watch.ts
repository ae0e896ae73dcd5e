/** The kernel's view for `diagnose`: containerd's syscall latencies, counted in the kernel by bpftrace. */
import { BpftraceTextMapsParser, type TextMaps } from '../../parsers/bpftrace-text-maps.js';
import { btPath } from '../../probes/scripts.js';
import { CtrscopeError } from '../errors.js';
import { ensureTracefs, isRoot, which } from '../host/preflight.js';
import { Tracer } from '../runner/tracer.js';

/** Starts counting; resolves once bpftrace has attached. stop() ends it and returns the maps. */
export async function startSyscallWatch(pid: number, say: (m: string) => void): Promise<{ stop: () => Promise<TextMaps> }> {
  if (!isRoot()) throw new CtrscopeError('notRoot', 'the kernel view needs root', 'run diagnose with sudo');
  if (!which('bpftrace') || !which('setpriv')) throw new CtrscopeError('missingTool', 'bpftrace is not installed', 'apt-get install bpftrace');
  await ensureTracefs(say);
  const parser = new BpftraceTextMapsParser();
  const tracer = new Tracer({ label: 'bpftrace', argv: ['bpftrace', btPath('native/syscall-outliers'), String(pid)] });
  let attached!: () => void;
  const ready = new Promise<void>((r) => (attached = r));
  tracer.start({
    onStdoutLine: (l) => {
      parser.line(l);
      if (parser.result().attached) attached();
    },
  });
  const first = await Promise.race([ready.then(() => 'ok' as const), tracer.wait().then(() => 'exited' as const), new Promise<'slow'>((r) => setTimeout(() => r('slow'), 20_000).unref())]);
  if (first !== 'ok') {
    if (!tracer.exited) await tracer.stop();
    const tail = (tracer.exited?.stderrTail ?? []).filter((l) => l.trim() && !/RLIMIT_MEMLOCK/.test(l)).slice(-1)[0];
    throw new CtrscopeError('tracer', `bpftrace did not attach to raw_syscalls${tail ? `: ${tail}` : ''}`, 'check bpftrace with ctrscope --probe syscall-count');
  }
  return {
    stop: async () => {
      await tracer.stop();
      return parser.result();
    },
  };
}
