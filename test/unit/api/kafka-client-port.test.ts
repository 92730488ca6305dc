import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

// Issue 15: the application reaches Kafka only through the library's client port, so that another client
// adapter (issue 19) replaces kafkajs for the whole application. Only the adapter folder imports kafkajs.

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');

function sourceFiles(folder: string): string[] {
  return readdirSync(folder, { withFileTypes: true }).flatMap((entry) => {
    const path = join(folder, entry.name);
    if (entry.isDirectory()) return sourceFiles(path);
    return entry.name.endsWith('.ts') ? [path] : [];
  });
}

describe('the application on the Kafka client port', () => {
  it('imports kafkajs nowhere in api/', () => {
    const importing = sourceFiles(join(root, 'api'))
      .filter((file) =>
        /from\s+['"]kafkajs['"]|import\(\s*['"]kafkajs['"]\s*\)/.test(readFileSync(file, 'utf8')),
      )
      .map((file) => relative(root, file));
    expect(importing).toEqual([]);
  });
});
