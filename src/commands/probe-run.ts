import type { Command } from 'commander';
export function registerProbeRun(_program: Command): void {}
