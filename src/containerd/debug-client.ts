/** Reads containerd's pprof endpoints over its debug socket. */
import { gunzipSync } from 'node:zlib';
import { GoroutineProfileParser, type GoroutineProfile } from '../../parsers/go-goroutines.js';
import { parseChunks } from '../../parsers/lines.js';
import { decodePprof, type DecodedProfile } from '../../parsers/pprof.js';
import { CtrscopeError } from '../errors.js';
import { getUnix } from './http.js';

export type PprofName = 'heap' | 'allocs' | 'block' | 'mutex' | 'goroutine' | 'threadcreate';

export async function goroutines(socket: string): Promise<GoroutineProfile> {
  const body = await getUnix(socket, '/debug/pprof/goroutine?debug=1');
  return parseChunks(new GoroutineProfileParser(), [body]);
}

/** A profile's raw bytes as served (gzip-compressed protobuf), for saving and for --base. */
export function rawProfile(socket: string, name: PprofName): Promise<Buffer> {
  return getUnix(socket, `/debug/pprof/${name}`);
}

/** Go's CPU profile over `seconds`: the call returns when the profile is done. */
export function rawCpuProfile(socket: string, seconds: number, signal?: AbortSignal): Promise<Buffer> {
  const s = Math.max(1, Math.round(seconds));
  return getUnix(socket, `/debug/pprof/profile?seconds=${s}`, { timeoutMs: (s + 15) * 1000, signal });
}

/** Decodes a profile as served or saved: gzip-compressed or plain protobuf. */
export function decodeProfile(raw: Uint8Array, what: string): DecodedProfile {
  let bytes: Uint8Array = raw;
  if (raw[0] === 0x1f && raw[1] === 0x8b) {
    try {
      bytes = gunzipSync(raw);
    } catch (e) {
      throw new CtrscopeError('input', `${what}: corrupt gzip data (${(e as Error).message})`, 'give a profile saved by ctrscope or go tool pprof');
    }
  }
  const r = decodePprof(bytes);
  if (!r.ok) throw new CtrscopeError('input', `${what}: ${r.error}`, 'give a profile saved by ctrscope or go tool pprof');
  return r.profile;
}

/** The text header of the mutex profile says its sampling period; 0 means mutex profiling is off. */
export async function mutexSamplingPeriod(socket: string): Promise<number | null> {
  const text = (await getUnix(socket, '/debug/pprof/mutex?debug=1')).toString('utf8', 0, 4096);
  const m = /^sampling period=(\d+)/m.exec(text);
  return m ? Number(m[1]) : null;
}
