/** The sources the live view runs, one per probe. A panel with no source here waits for its probe. */
import type { PanelId } from '../live-types.js';
import type { LiveSourceDef } from './types.js';
import { syscallsSource } from './syscalls.js';
import { vfsSource } from './vfs.js';
import { stacksSource } from './stacks.js';
import { schedSource } from './sched.js';
import { fileOpensSource, processExecSource } from './events.js';
import { containerdLiveSource } from '../../containerd/live-source.js';

// containerd's metrics answer is large (about 700 KB with every gRPC method's histogram): every 2 s.
const containerdEvery2s: LiveSourceDef = { ...containerdLiveSource, poll: containerdLiveSource.poll && { ...containerdLiveSource.poll, everyMs: 2000 } };

export const LIVE_SOURCES: LiveSourceDef[] = [syscallsSource, schedSource, vfsSource, stacksSource, fileOpensSource, processExecSource, containerdEvery2s];

/** Which probe each panel is waiting for while no source feeds it. */
export const AWAITED: Record<PanelId, string> = {
  syscalls: 'syscall-count',
  sched: 'sched',
  vfs: 'vfs-latency',
  stacks: 'cpu-profile',
  events: 'file-opens, process-exec',
  targets: 'syscall-count',
  containerd: 'grpc-latency (containerd metrics)',
};
