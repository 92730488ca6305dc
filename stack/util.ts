import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';

/** Resolves after `ms` milliseconds. */
export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** The last `count` lines of a log file, for error messages (empty when the file does not exist). */
export async function lastLines(file: string, count: number): Promise<string> {
  if (!existsSync(file)) return '(no log written)';
  const text = await readFile(file, 'utf8');
  return text.trimEnd().split('\n').slice(-count).join('\n');
}
