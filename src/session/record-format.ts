/**
 * The recording format of `ctrscope --record DIR`: DIR/session.ndjson, one JSON object a line,
 * each with `t` (ms since the session started) and `type`:
 *
 *   {"t":0,"type":"meta","format":1,"ctrscope":"0.1.0","arch":"x64","startedAt":"2026-…","containerdVersion":"1.6.20","sources":[…]}
 *   {"t":12,"type":"host","host":{"containerd":[…],"shims":[…],"containers":[…]}}
 *   {"t":151,"type":"run","source":"syscalls","run":0,"pids":[3026]}
 *   {"t":1013,"type":"stdout","source":"syscalls","run":0,"chunk":"{\"type\": \"map\", …}\n"}
 *   {"t":3640,"type":"end","source":"syscalls","run":0}
 *   {"t":1013,"type":"stderr","source":"syscalls","line":"…"}
 *   {"t":5020,"type":"status","source":"syscalls","state":"stopped","message":"…"}
 *   {"t":5021,"type":"status","source":"syscalls","pid":4121,"droppedLines":120}
 *   {"t":1000,"type":"self","cpuPct":2.1,"tracersCpuPct":0.8,"rssMiB":80,"tracersRssMiB":190,"framesMs":[3.1]}
 *   {"t":1000,"type":"demo","started":4,"failed":0,"running":2}
 *
 * stdout chunks are the tracer's raw output as it arrived (decoded as UTF-8), so a replay runs
 * them through the same parsers. A source can have several runs (a tracer restarted, one per
 * followed process, one per poll): `run` keeps their outputs apart; absent means 0. A reader
 * ignores types it does not know. Each entry is also what drove the live view (replay.ts
 * applyEntry): a status entry's pid and droppedLines (added later; older recordings lack them)
 * and an empty message (clears the one shown) are as the live view showed them.
 */
import type { HostTargets } from '../targets/discover.js';
import type { SessionInfo, SourceStatus } from '../live-model/types.js';

export const RECORDING_FILE = 'session.ndjson';
export const RECORDING_FORMAT = 1;

export type RecordedSource = Pick<SourceStatus, 'id' | 'probe' | 'panels' | 'state' | 'backend' | 'attachPoint' | 'message'> & { argv?: string[] };

export type RecordEntry =
  | { t: number; type: 'meta'; format: number; ctrscope: string; arch: string; startedAt: string; containerdVersion: string | null; sources: RecordedSource[]; defaultTargets?: boolean }
  | { t: number; type: 'host'; host: HostTargets }
  | { t: number; type: 'run'; source: string; run: number; pids?: number[]; attachPoint?: string }
  | { t: number; type: 'stdout'; source: string; run?: number; chunk: string }
  | { t: number; type: 'end'; source: string; run: number }
  | { t: number; type: 'stderr'; source: string; run?: number; line: string }
  | ({ t: number; type: 'status'; source: string } & Partial<Pick<SourceStatus, 'state' | 'message' | 'pid' | 'attachPoint' | 'droppedLines'>>)
  | { t: number; type: 'self'; cpuPct: number; tracersCpuPct: number; rssMiB?: number; tracersRssMiB?: number; framesMs?: number[] }
  | ({ t: number; type: 'demo' } & NonNullable<SessionInfo['demo']>);

/** Where entries go: a file while recording, nowhere otherwise. */
export interface RecordSink {
  write(e: RecordEntry): void;
  close(): void;
}

export const nullSink: RecordSink = { write: () => undefined, close: () => undefined };
