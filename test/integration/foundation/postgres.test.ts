import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { endpoints, uniqueName } from '../../support/index.js';

// Proves Postgres is real: the system of record will use idempotent upserts exactly like this one.
describe('Postgres', () => {
  let client: pg.Client;

  beforeAll(async () => {
    client = new pg.Client({ connectionString: endpoints().databaseUrl });
    await client.connect();
    const { rows } = await client.query<{ version: string }>('select version() as version');
    console.log(`Talking to ${rows[0]?.version}`);
  });

  afterAll(async () => {
    await client?.end();
  });

  it('runs an idempotent upsert: a replayed write changes nothing', async () => {
    const table = uniqueName('foundation_upsert').replaceAll('-', '_');
    await client.query(`create temporary table ${table} (id text primary key, nights int not null)`);
    const upsert = `insert into ${table} (id, nights) values ($1, $2)
      on conflict (id) do update set nights = excluded.nights`;
    await client.query(upsert, ['RSV-1', 2]);
    await client.query(upsert, ['RSV-2', 5]);
    await client.query(upsert, ['RSV-1', 3]);
    await client.query(upsert, ['RSV-1', 3]);
    const { rows } = await client.query<{ id: string; nights: number }>(
      `select id, nights from ${table} order by id`,
    );
    expect(rows).toEqual([
      { id: 'RSV-1', nights: 3 },
      { id: 'RSV-2', nights: 5 },
    ]);
  });
});
