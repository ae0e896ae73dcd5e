/** Every command ctrscope knows. Each module adds its own to the program. */
import type { Command } from 'commander';
import { registerProbeRun } from './probe-run.js';
import { registerDiagnose } from './diagnose.js';
import { registerLive } from './live.js';
import { registerReplay } from './replay.js';
import { registerCollapse } from './collapse.js';
import { registerReport } from './report.js';
import { registerDoctor } from './doctor.js';
import { registerProbes } from './probes.js';
import { registerLogs } from './logs.js';
import { registerFlamegraph } from './flamegraph.js';
import { registerDiff } from './diff.js';
import { registerServe } from './serve.js';

export function registerCommands(program: Command): void {
  registerProbeRun(program);
  registerDiagnose(program);
  registerLive(program);
  registerReplay(program);
  registerCollapse(program);
  registerReport(program);
  registerDoctor(program);
  registerProbes(program);
  registerLogs(program);
  registerFlamegraph(program);
  registerDiff(program);
  registerServe(program);
}
