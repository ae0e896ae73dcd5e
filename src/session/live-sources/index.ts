/**
 * The sources the live view runs: one bpftrace program for everything on the syscall path
 * (kernel), one for stacks, /proc counters (sched) and containerd's metrics. A panel with no
 * source here waits for its probe. The older per-probe sources stay for replaying recordings
 * made before (LEGACY_SOURCES).
 */
import type { PanelId } from '../../live-model/types.js';
import type { LiveSourceDef } from './types.js';
import { kernelSource } from './kernel.js';
import { syscallsSource } from './syscalls.js';
import { vfsSource } from './vfs.js';
import { stacksSource } from './stacks.js';
import { schedSource } from './sched.js';
import { fileOpensSource, processExecSource } from './events.js';
import { containerdLiveSource } from './containerd.js';
import { containerdLogSource } from './containerd-log.js';
import { startsSource } from './starts.js';

// containerd's metrics answer is large (about 600 KB with every gRPC method's histogram): every 10 s.
const containerdEvery10s: LiveSourceDef = { ...containerdLiveSource, poll: containerdLiveSource.poll && { ...containerdLiveSource.poll, everyMs: 10_000 } };

export const LIVE_SOURCES: LiveSourceDef[] = [kernelSource, schedSource, stacksSource, containerdEvery10s, startsSource, containerdLogSource];

/** Sources of recordings made before the one kernel program: replays still read them. */
export const LEGACY_SOURCES: LiveSourceDef[] = [syscallsSource, vfsSource, fileOpensSource, processExecSource];
