/**
 * Writes one section of `bench/RESULTS.md` between its own HTML-comment markers, leaving the rest of the
 * file (other benchmarks' sections) untouched.
 */
import { execFileSync } from 'node:child_process';
import { readFile, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';

const RESULTS = fileURLToPath(new URL('../RESULTS.md', import.meta.url));

/** A section: its marker id (e.g. `rocksdb-bindings`), heading and Markdown body. */
export interface ResultsSection {
  readonly id: string;
  readonly heading: string;
  readonly body: string;
}

/** Replaces the section with the same id, or appends it. */
export async function writeResultsSection(section: ResultsSection): Promise<void> {
  const start = `<!-- ${section.id}:start -->`;
  const end = `<!-- ${section.id}:end -->`;
  const text = [start, `## ${section.heading}`, '', section.body.trimEnd(), end].join('\n');
  let current: string;
  try {
    current = await readFile(RESULTS, 'utf8');
  } catch {
    current = '# Benchmark results\n';
  }
  const from = current.indexOf(start);
  const to = current.indexOf(end);
  const next =
    from >= 0 && to > from
      ? `${current.slice(0, from)}${text}${current.slice(to + end.length)}`
      : `${current.trimEnd()}\n\n${text}\n`;
  await writeFile(RESULTS, next);
  // Tables are written unpadded; the project's formatter aligns them so the lint stays green.
  const biome = createRequire(import.meta.url).resolve('@biomejs/biome/bin/biome');
  execFileSync(process.execPath, [biome, 'format', '--write', RESULTS], { stdio: 'ignore' });
}

/** The machine line every section starts with. */
export { machineDescription } from './machine.js';
