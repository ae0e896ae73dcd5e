/**
 * The layout holds: no import cycle between files (madge over src/, probes/, parsers/) or between
 * folders, parsers stay pure, probe plans do no I/O, and the UI never spawns. Data flows one way:
 * probes → src/runner → parsers → aggregators → UI, report, export.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import madge from 'madge';
import ts from 'typescript';
import { beforeAll, describe, expect, it } from 'vitest';

/** The folders whose imports must not go both ways, most specific first when nested. */
const FOLDERS = [
  'probes', 'parsers', 'src/runner', 'src/session', 'src/ui', 'src/containerd', 'src/host', 'src/targets',
  'src/commands', 'src/aggregate', 'src/summaries', 'src/report', 'src/output', 'src/native', 'src/live-model', 'src/util',
];

const folderOf = (file: string): string | undefined =>
  FOLDERS.filter((d) => file.startsWith(`${d}/`)).sort((a, b) => b.length - a.length)[0];

/** Folder A -> folder B, with the file imports that make the edge. */
function folderEdges(graph: Record<string, string[]>): Map<string, Map<string, string[]>> {
  const edges = new Map<string, Map<string, string[]>>();
  for (const [file, deps] of Object.entries(graph)) {
    const a = folderOf(file);
    if (!a) continue;
    for (const dep of deps) {
      const b = folderOf(dep);
      if (!b || b === a) continue;
      const out = edges.get(a) ?? new Map<string, string[]>();
      edges.set(a, out);
      out.set(b, [...(out.get(b) ?? []), `${file} -> ${dep}`]);
    }
  }
  return edges;
}

/** Every folder cycle, as the path of folders from one back to itself (one per strongly connected group). */
function folderCycles(edges: Map<string, Map<string, string[]>>): string[][] {
  const cycles: string[][] = [];
  const done = new Set<string>();
  for (const start of edges.keys()) {
    if (done.has(start)) continue;
    // Breadth-first from start: the shortest way back to start is the cycle through it, if any.
    const prev = new Map<string, string>();
    const queue = [start];
    let found = false;
    while (queue.length > 0 && !found) {
      const at = queue.shift()!;
      for (const next of edges.get(at)?.keys() ?? []) {
        if (next === start) { prev.set(start, at); found = true; break; }
        if (!prev.has(next)) { prev.set(next, at); queue.push(next); }
      }
    }
    if (!found) continue;
    const path = [start];
    for (let at = prev.get(start)!; at !== start; at = prev.get(at)!) path.unshift(at);
    path.unshift(start);
    path.forEach((f) => done.add(f));
    cycles.push(path);
  }
  return cycles;
}

/** Module names a file imports or re-exports (static and dynamic), from TypeScript's own scanner. */
function importsOf(file: string): string[] {
  const info = ts.preProcessFile(readFileSync(file, 'utf8'), true, true);
  return info.importedFiles.map((f) => f.fileName);
}

describe('layout: folders show the flow', () => {
  let graph: Record<string, string[]>;
  beforeAll(async () => {
    const res = await madge(['src', 'probes', 'parsers'], {
      fileExtensions: ['ts', 'tsx'],
      tsConfig: 'tsconfig.json',
      detectiveOptions: { ts: { skipTypeImports: false }, tsx: { skipTypeImports: false } },
    });
    graph = res.obj();
    graph.__circular = res.circular().map((c: string[]) => c.join(' -> '));
  }, 120_000);

  it('madge sees the whole tree (the walk did not silently find nothing)', () => {
    const files = Object.keys(graph).filter((f) => f !== '__circular');
    expect(files.length).toBeGreaterThan(100);
    expect(graph['src/cli.ts'].length).toBeGreaterThan(0);
    // .js specifiers resolve to the .ts files (NodeNext): a known edge is there.
    expect(graph['src/commands/probe-run.ts']).toContain('src/commands/live.ts');
  });

  it('has no import cycle between files', () => {
    expect(graph.__circular).toEqual([]);
  });

  it('has no import cycle between folders', () => {
    const edges = folderEdges(Object.fromEntries(Object.entries(graph).filter(([f]) => f !== '__circular')));
    const described = folderCycles(edges).map((cycle) =>
      cycle.slice(1).map((to, i) => `${cycle[i]} -> ${to} (${edges.get(cycle[i])!.get(to)![0]})`).join('; '));
    expect(described).toEqual([]);
  });

  it('finds a folder cycle when there is one (the check itself can fail)', () => {
    const edges = folderEdges({ 'src/ui/a.ts': ['src/session/b.ts'], 'src/session/b.ts': ['src/ui/c.ts'], 'src/ui/c.ts': [] });
    expect(folderCycles(edges)).toEqual([['src/ui', 'src/session', 'src/ui']]);
  });

  it('parsers do no I/O and draw nothing: no execa, ink, react or node:fs', () => {
    const bad = Object.keys(graph).filter((f) => f.startsWith('parsers/'))
      .flatMap((f) => importsOf(f).filter((m) => /^(execa|ink|react|node:fs|fs)(\/|$)/.test(m)).map((m) => `${f}: ${m}`));
    expect(bad).toEqual([]);
  });

  it('the UI never spawns: no node:child_process or execa under src/ui', () => {
    const bad = Object.keys(graph).filter((f) => f.startsWith('src/ui/'))
      .flatMap((f) => importsOf(f).filter((m) => /^(execa|node:child_process|child_process)(\/|$)/.test(m)).map((m) => `${f}: ${m}`));
    expect(bad).toEqual([]);
  });
});

/** Value imports of a file (`import type` and type-only specifiers left out): repo files as `file:` paths, packages by name. */
function valueImportsOf(file: string): string[] {
  const sf = ts.createSourceFile(file, readFileSync(file, 'utf8'), ts.ScriptTarget.Latest, false);
  const out: string[] = [];
  for (const st of sf.statements) {
    if (!ts.isImportDeclaration(st) && !ts.isExportDeclaration(st)) continue;
    if (!st.moduleSpecifier || !ts.isStringLiteral(st.moduleSpecifier)) continue;
    if (ts.isImportDeclaration(st)) {
      const c = st.importClause;
      if (c?.isTypeOnly) continue;
      const named = c?.namedBindings && ts.isNamedImports(c.namedBindings) ? c.namedBindings.elements : undefined;
      if (c && !c.name && named && named.length > 0 && named.every((e) => e.isTypeOnly)) continue;
    } else if (st.isTypeOnly) continue;
    const m = st.moduleSpecifier.text;
    if (!m.startsWith('.')) out.push(m);
    else {
      const base = join(dirname(file), m).replace(/\.js$/, '');
      out.push(`file:${existsSync(`${base}.tsx`) ? `${base}.tsx` : `${base}.ts`}`);
    }
  }
  return out;
}

/** Every module reached from file through value imports, itself included. */
function valueClosure(file: string, seen = new Set<string>()): Set<string> {
  if (seen.has(file)) return seen;
  seen.add(file);
  for (const m of valueImportsOf(file)) {
    if (m.startsWith('file:')) valueClosure(m.slice(5), seen);
    else seen.add(m);
  }
  return seen;
}

describe('layout: probe plans do no I/O', () => {
  const probeFiles = readdirSync('probes').filter((f) => f.endsWith('.ts')).map((f) => `probes/${f}`);

  it('finds the probe definitions (the check runs over real files)', () => {
    expect(probeFiles.length).toBeGreaterThan(10);
    // The closure walk follows value imports: a probe reaches src/errors.ts through one.
    expect([...valueClosure('probes/syscall-count.ts')]).toContain('src/errors.ts');
  });

  it('no probe reaches node:fs, a child process or execa through what it imports', () => {
    const bad = probeFiles.flatMap((f) => [...valueClosure(f)].filter((m) => /^(node:(fs|child_process|worker_threads))(\/|$)/.test(m) || m === 'execa').map((m) => `${f} -> ${m}`));
    expect(bad).toEqual([]);
  });

  it('the walk would see I/O where there is some (a module that reads files)', () => {
    expect([...valueClosure('src/session/probe-context.ts')]).toContain('node:fs');
  });
});
