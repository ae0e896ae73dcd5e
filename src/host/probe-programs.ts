/**
 * The .bt programs shipped in probes/, found from source (probes/) or from the build
 * (dist/probes/), and read here: probe plans do no I/O, so their program text arrives in the
 * probe context (ProbeFacts.programs) from this loader.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

function probesDir(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 5; i++) {
    if (existsSync(join(dir, 'package.json'))) return join(dir, 'probes');
    dir = dirname(dir);
  }
  throw new Error(`no package.json above ${fileURLToPath(import.meta.url)}: cannot find probes/`);
}

export function btPath(name: string): string {
  return join(probesDir(), `${name}.bt`);
}

export function readBt(name: string): string {
  return readFileSync(btPath(name), 'utf8');
}

let programs: Readonly<Record<string, string>> | null = null;

/** Every shipped .bt program by name (the file name without .bt), read once. */
export function probePrograms(): Readonly<Record<string, string>> {
  if (!programs) {
    const dir = probesDir();
    const out: Record<string, string> = {};
    for (const f of readdirSync(dir)) if (f.endsWith('.bt')) out[f.slice(0, -3)] = readFileSync(join(dir, f), 'utf8');
    programs = out;
  }
  return programs;
}
