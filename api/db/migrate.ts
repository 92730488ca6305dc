/**
 * Applies the SQL migrations in `api/db/migrations/` (in name order, each in its own transaction, under
 * node-pg-migrate's advisory lock so several instances starting at once apply them once). Run at start
 * by `main.ts`; applied migrations are recorded in `public.pgmigrations`.
 */
import { fileURLToPath } from 'node:url';
import { runner } from 'node-pg-migrate';
import type { Logger } from 'pino';

/** Where the migration files are. */
export const MIGRATIONS_DIR = fileURLToPath(new URL('./migrations/', import.meta.url));

/** Applies every pending migration to the database at `databaseUrl`; resolves with the names applied. */
export async function migrate(databaseUrl: string, logger?: Logger): Promise<string[]> {
  const applied = await runner({
    databaseUrl,
    dir: MIGRATIONS_DIR,
    direction: 'up',
    migrationsTable: 'pgmigrations',
    checkOrder: true,
    log: (message) => logger?.debug({ migration: true }, message),
    verbose: false,
  });
  const names = applied.map((m) => m.name);
  if (names.length > 0) logger?.info({ migrations: names }, 'database migrations applied');
  return names;
}
