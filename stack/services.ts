import { Redis } from 'ioredis';
import pg from 'pg';
import { StackError } from './errors.js';

/** Postgres used when `DATABASE_URL` is not set: the machine's service, trust auth, database `test`. */
export const DEFAULT_DATABASE_URL = 'postgres://postgres@127.0.0.1:5432/test';
/** Redis used when `REDIS_URL` is not set: the machine's service. */
export const DEFAULT_REDIS_URL = 'redis://127.0.0.1:6379';

/** The Postgres URL in effect (`DATABASE_URL` or the default). */
export function databaseUrl(): string {
  return process.env.DATABASE_URL || DEFAULT_DATABASE_URL;
}

/** The Redis URL in effect (`REDIS_URL` or the default). */
export function redisUrl(): string {
  return process.env.REDIS_URL || DEFAULT_REDIS_URL;
}

/** The server version Postgres reports (`select version()`); throws a coded error when unreachable. */
export async function postgresVersion(url = databaseUrl()): Promise<string> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 3_000 });
  try {
    await client.connect();
    const result = await client.query<{ version: string }>('select version() as version');
    return result.rows[0]?.version ?? 'unknown';
  } catch (error) {
    throw new StackError(
      'STRM_ERR_STACK_UNREACHABLE',
      `Postgres at ${redact(url)} does not answer (${(error as Error).message}). The stack uses the machine's ` +
        'Postgres; start it, or set DATABASE_URL to one that runs.',
      { cause: error, retriable: true },
    );
  } finally {
    await client.end().catch(() => undefined);
  }
}

/** The server version Redis reports in `INFO server`; throws a coded error when unreachable. */
export async function redisVersion(url = redisUrl()): Promise<string> {
  const client = new Redis(url, { lazyConnect: true, connectTimeout: 3_000, maxRetriesPerRequest: 0 });
  // Without a listener ioredis reports connection errors as unhandled events.
  client.on('error', () => undefined);
  try {
    await client.connect();
    const info = await client.info('server');
    return /redis_version:(\S+)/.exec(info)?.[1] ?? 'unknown';
  } catch (error) {
    throw new StackError(
      'STRM_ERR_STACK_UNREACHABLE',
      `Redis at ${redact(url)} does not answer (${(error as Error).message}). The stack uses the machine's ` +
        'Redis; start it, or set REDIS_URL to one that runs.',
      { cause: error, retriable: true },
    );
  } finally {
    client.disconnect();
  }
}

/** A URL with its password masked, for messages. */
export function redact(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password) parsed.password = '***';
    return parsed.toString();
  } catch {
    return url;
  }
}
