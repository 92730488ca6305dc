/**
 * The two idempotent writes of the system-of-record sink, built from a row's columns so each table states
 * only what it stores: a fact inserted once by event id, and a latest value that the newer event (by event
 * time, then offset) replaces. Table and column names come from this folder's code, never from input.
 */
import type { PoolClient } from 'pg';

/** Column name to value, in the order the statement lists them. */
export type Row = Readonly<Record<string, unknown>>;

/**
 * Inserts a fact keyed by its `event_id` column; an event applied again leaves the row as it is.
 */
export async function insertFact(client: PoolClient, table: string, row: Row): Promise<void> {
  const columns = Object.keys(row);
  await client.query(
    `INSERT INTO ${table} (${columns.join(', ')})
     VALUES (${placeholders(columns.length)}) ON CONFLICT (event_id) DO NOTHING`,
    Object.values(row),
  );
}

/** How {@link upsertLatest} decides. */
export interface UpsertLatestOptions {
  /** The columns that identify the row (its primary key). */
  readonly key: readonly string[];
  /** True: a row whose `final` column is set is never replaced (a closed window's result). */
  readonly keepFinal?: boolean;
}

/**
 * Writes the latest value of a row: every non-key column is replaced when the event is strictly newer by
 * (`occurred_at`, `source_offset`), so the same event applied again, or an older one, changes nothing.
 * `row` holds the key columns, `occurred_at` and `source_offset`.
 */
export async function upsertLatest(
  client: PoolClient,
  table: string,
  row: Row,
  options: UpsertLatestOptions,
): Promise<void> {
  const columns = Object.keys(row);
  const updates = columns
    .filter((column) => !options.key.includes(column))
    .map((column) => `${column} = excluded.${column}`);
  const newer = '(excluded.occurred_at, excluded.source_offset) > (stored.occurred_at, stored.source_offset)';
  await client.query(
    `INSERT INTO ${table} AS stored (${columns.join(', ')})
     VALUES (${placeholders(columns.length)})
     ON CONFLICT (${options.key.join(', ')}) DO UPDATE SET ${updates.join(', ')}
     WHERE ${options.keepFinal ? 'NOT stored.final AND ' : ''}${newer}`,
    Object.values(row),
  );
}

/** `$1, $2, ... $count`. */
function placeholders(count: number): string {
  return Array.from({ length: count }, (_, index) => `$${index + 1}`).join(', ');
}
