/** The sources the live view runs, one per probe. A panel with no source here waits for its probe. */
import type { PanelId } from '../live-types.js';
import type { LiveSourceDef } from './types.js';
import { syscallsSource } from './syscalls.js';
import { vfsSource } from './vfs.js';
import { stacksSource } from './stacks.js';
import { containerdLiveSource } from '../../containerd/live-source.js';

export const LIVE_SOURCES: LiveSourceDef[] = [syscallsSource, vfsSource, stacksSource, containerdLiveSource];

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
