/**
 * Builds dist/ once before the tests: CLI tests run the real, built `ctrscope`.
 * CTRSCOPE_SKIP_BUILD=1 skips it (when dist/ is already fresh).
 */
import { execFileSync } from 'node:child_process';

export default function setup(): void {
  if (process.env.CTRSCOPE_SKIP_BUILD === '1') return;
  execFileSync('npx', ['tsc', '-p', 'tsconfig.json'], { stdio: 'inherit' });
}
