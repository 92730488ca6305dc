/**
 * The two idempotent writes of the system-of-record sink, built from a row's columns so each table states
 * only what it stores: a fact inserted once by event id, and a latest value that the newer event (by source
 * offset) replaces. Table and column names come from this folder's code, never from input.
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
 * `source_offset`, so the same event applied again, or an older one, changes nothing. `row` holds the key
 * columns and `source_offset`.
 *
 * Why the offset and not the event time: every event of a row comes from one topic partition (the topics
 * are keyed by property, and a row belongs to one property), and the topology writes that partition in the
 * order it decided, so the offset is the topology's own order. Event times are stamped by whichever API
 * instance accepted a command, with that machine's clock: two instances whose clocks differ would make an
 * older decision look newer. (A change of a topic's partition count would break this, as it breaks the
 * topology's per-property state; neither is supported.)
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
  const newer = 'excluded.source_offset > stored.source_offset';
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
