/** Locates the .bt programs shipped in probes/, from source (probes/) or from the build (dist/probes/). */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

function probesDir(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 4; i++) {
    if (existsSync(join(dir, 'package.json'))) return join(dir, 'probes');
    dir = dirname(dir);
  }
  return dirname(fileURLToPath(import.meta.url));
}

export function btPath(name: string): string {
  return join(probesDir(), `${name}.bt`);
}

export function readBt(name: string): string {
  return readFileSync(btPath(name), 'utf8');
}
