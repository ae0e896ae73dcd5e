/** Real folded stacks: fixtures/bpftrace/stacks.json (profile:hz:99 on containerd) folded by the stack parser. */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { BpftraceJsonParser } from '../../parsers/bpftrace-json.js';
import { foldStackMap } from '../../parsers/bpftrace-stacks.js';
import { parseChunks } from '../../parsers/lines.js';
import type { StacksView } from '../../src/live-model/types.js';

export function fixtureStacks(): StacksView {
  const text = readFileSync(fileURLToPath(new URL('../../fixtures/bpftrace/stacks.json', import.meta.url)), 'utf8');
  const r = parseChunks(new BpftraceJsonParser(), [text]);
  const m = r.maps.get('@');
  const f = foldStackMap(m?.value, ['kstack', 'ustack', 'text']);
  return { folded: [...f.stacks].sort((a, b) => b[1] - a[1]), samples: f.total };
}
