import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

// The library must load in any order: an import circle makes a module see another half-initialised (a
// class still in its temporal dead zone), and it is how the DSL's public classes and internals got
// tangled before issue 15. Type-only imports (`import type`, `export type`) are erased and count for
// nothing; `import { type A } from` stays as an import under `verbatimModuleSyntax`, so it counts.

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');
const LIBRARY = ['topology', 'state', 'schemas'];

const STATIC_IMPORT = /^[ \t]*(import|export)\s+(type\s+)?(?:[^'";]*?\sfrom\s+)?['"](\.{1,2}\/[^'"]+)['"]/gm;

function sourceFiles(folder: string): string[] {
  return readdirSync(folder, { withFileTypes: true }).flatMap((entry) => {
    const path = join(folder, entry.name);
    if (entry.isDirectory()) return entry.name === 'node_modules' ? [] : sourceFiles(path);
    return entry.name.endsWith('.ts') && !entry.name.endsWith('.d.ts') ? [path] : [];
  });
}

/** The file a relative specifier names: `./x.js` is `./x.ts` in the sources. */
function resolveSpecifier(from: string, specifier: string): string | undefined {
  const target = resolve(dirname(from), specifier);
  for (const candidate of [target.replace(/\.js$/, '.ts'), target, join(target, 'index.ts')])
    if (candidate.endsWith('.ts') && existsSync(candidate)) return candidate;
  return undefined;
}

/** The runtime import edges between the library's files (type-only imports left out). */
function importGraph(folders: ReadonlyArray<string>): Map<string, string[]> {
  const files = folders.flatMap((folder) => sourceFiles(join(root, folder)));
  const graph = new Map<string, string[]>();
  for (const file of files) {
    const edges: string[] = [];
    for (const match of readFileSync(file, 'utf8').matchAll(STATIC_IMPORT)) {
      if (match[2] !== undefined) continue;
      const target = resolveSpecifier(file, match[3]!);
      if (target !== undefined) edges.push(target);
    }
    graph.set(file, edges);
  }
  return graph;
}

/** Every import circle, each named by its files in import order (one circle per strongly connected group). */
function importCycles(graph: ReadonlyMap<string, ReadonlyArray<string>>): string[][] {
  const cycles: string[][] = [];
  const state = new Map<string, 'open' | 'done'>();
  const path: string[] = [];
  const visit = (file: string): void => {
    state.set(file, 'open');
    path.push(file);
    for (const next of graph.get(file) ?? []) {
      if (!graph.has(next)) continue;
      const seen = state.get(next);
      if (seen === 'open') cycles.push([...path.slice(path.indexOf(next)), next]);
      else if (seen === undefined) visit(next);
    }
    path.pop();
    state.set(file, 'done');
  };
  for (const file of [...graph.keys()].sort()) if (!state.has(file)) visit(file);
  return cycles;
}

describe('the import graph of the library (topology/, state/, schemas/)', () => {
  it('has no circle', () => {
    const graph = importGraph(LIBRARY);
    expect(graph.size).toBeGreaterThan(100);
    const named = importCycles(graph).map((cycle) => cycle.map((file) => relative(root, file)).join(' -> '));
    expect(named, `import circles:\n${named.join('\n')}`).toEqual([]);
  });

  it('sees runtime imports, re-exports and circles, and leaves type-only imports out', () => {
    const graph = importGraph(['topology']);
    const kstream = join(root, 'topology/kstream.ts');
    const index = join(root, 'topology/index.ts');
    expect(graph.get(kstream)).toContain(join(root, 'topology/internal/graph/graph-node.ts'));
    // `export { KStream } from './kstream.js'`
    expect(graph.get(index)).toContain(kstream);
    // kstream.ts imports KTable for its types only.
    expect(graph.get(kstream)).not.toContain(join(root, 'topology/ktable.ts'));
    const circle = new Map([
      ['a', ['b']],
      ['b', ['c']],
      ['c', ['a']],
      ['d', ['a']],
    ]);
    expect(importCycles(circle)).toEqual([['a', 'b', 'c', 'a']]);
  });
});
