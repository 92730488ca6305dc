import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';

/** Resolves after `ms` milliseconds. */
export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/**
 * What to show of a failed service's log in an error message: its last ERROR/FATAL lines (the cause,
 * which a long stack trace would push out of a plain tail) and then its last `count` lines.
 */
export async function logExcerpt(file: string, count: number): Promise<string> {
  if (!existsSync(file)) return '(no log written)';
  const lines = (await readFile(file, 'utf8')).trimEnd().split('\n');
  const errors = lines.filter((line) => /\b(ERROR|FATAL|SEVERE)\b/.test(line)).slice(-3);
  const tail = lines.slice(-count).filter((line) => !errors.includes(line));
  return [...errors, ...(errors.length > 0 && tail.length > 0 ? ['...'] : []), ...tail].join('\n');
}
