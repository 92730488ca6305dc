/**
 * API keys. A key is a random secret shown once when it is created; only its SHA-256 hash is stored (in
 * Postgres, table `ops.api_key`), so a leaked table or log cannot be replayed as a key. SHA-256 without
 * salt fits here because keys are 32 random bytes (no dictionary to attack), and it lets a request be
 * looked up by hash in one indexed read.
 */
import { createHash, randomBytes } from 'node:crypto';
import type { Pool } from 'pg';
import { UnavailableError } from '../errors.js';

/** What a key may do: a booking client manages reservations; an operator also reads KPIs and runs the DLQ. */
export type Role = 'booking' | 'operator';

/** Every role. */
export const ROLES: readonly Role[] = ['booking', 'operator'];

/** Who is calling, once the key is known. Never holds the key itself. */
export interface Principal {
  /** The key's name, for logs and audit records. */
  readonly name: string;
  readonly role: Role;
  /** The key's hash: the rate-limit and idempotency scope. */
  readonly keyHash: string;
}

/** The SHA-256 of a key, hex. */
export function hashApiKey(key: string): string {
  return createHash('sha256').update(key, 'utf8').digest('hex');
}

/** A new random key, `sk_` + 43 characters of base64url (32 bytes). */
export function generateApiKey(): string {
  return `sk_${randomBytes(32).toString('base64url')}`;
}

/** Looks keys up by hash. */
export interface ApiKeyStore {
  /** The principal of a key hash, or `undefined` when unknown or revoked. */
  find(keyHash: string): Promise<Principal | undefined>;
}

/** Keys in memory, for unit tests. */
export class InMemoryApiKeyStore implements ApiKeyStore {
  readonly #byHash = new Map<string, Principal>();

  /** Adds a key with `name` and `role`; returns it. */
  add(name: string, role: Role, key: string = generateApiKey()): string {
    const keyHash = hashApiKey(key);
    this.#byHash.set(keyHash, { name, role, keyHash });
    return key;
  }

  async find(keyHash: string): Promise<Principal | undefined> {
    return this.#byHash.get(keyHash);
  }
}

/** Keys in Postgres (`ops.api_key`), the production store. */
export class PostgresApiKeyStore implements ApiKeyStore {
  readonly #pool: Pool;

  constructor(pool: Pool) {
    this.#pool = pool;
  }

  /** Creates a key with `name` and `role`; returns the key (shown once, never stored). */
  async create(name: string, role: Role): Promise<string> {
    const key = generateApiKey();
    await this.#pool.query('INSERT INTO ops.api_key (key_hash, name, role) VALUES ($1, $2, $3)', [
      hashApiKey(key),
      name,
      role,
    ]);
    return key;
  }

  /** Revokes every key named `name`; returns how many were revoked. */
  async revoke(name: string): Promise<number> {
    const result = await this.#pool.query(
      'UPDATE ops.api_key SET revoked_at = now() WHERE name = $1 AND revoked_at IS NULL',
      [name],
    );
    return result.rowCount ?? 0;
  }

  async find(keyHash: string): Promise<Principal | undefined> {
    try {
      const result = await this.#pool.query<{ name: string; role: Role }>(
        'SELECT name, role FROM ops.api_key WHERE key_hash = $1 AND revoked_at IS NULL',
        [keyHash],
      );
      const row = result.rows[0];
      return row === undefined ? undefined : { name: row.name, role: row.role, keyHash };
    } catch (error) {
      throw new UnavailableError('Postgres (API keys)', error);
    }
  }
}
