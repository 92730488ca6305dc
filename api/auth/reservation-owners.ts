/**
 * Ownership of reservations: a reservation belongs to the API client that created it (the `name` of its
 * key, so a rotated key of the same client keeps access). Another booking client is told 404, exactly as
 * for a number that does not exist, so it cannot even learn that the number is taken; an operator may act
 * on every reservation. The owner is recorded before the reservation's event is produced.
 */
import type { Pool } from 'pg';
import { WriteCoalescer } from '../db/write-coalescer.js';
import { NotFoundError, UnavailableError } from '../errors.js';
import type { Principal } from './api-keys.js';

/** Who owns which reservation. */
export interface ReservationOwners {
  /** Records `client` as the owner of `confirmationNumber`; an owner already recorded stays. */
  record(confirmationNumber: string, client: string): Promise<void>;
  /** The owning client, or `undefined` when none is recorded (e.g. a booking that bypassed the API). */
  ownerOf(confirmationNumber: string): Promise<string | undefined>;
}

/**
 * Throws the 404 of an unknown reservation unless `principal` may act on `confirmationNumber`: an
 * operator always, a booking client when it is the recorded owner.
 */
export async function requireOwnership(
  owners: ReservationOwners,
  principal: Principal | undefined,
  confirmationNumber: string,
): Promise<void> {
  if (principal?.role === 'operator') return;
  const owner = await owners.ownerOf(confirmationNumber);
  if (owner === undefined || owner !== principal?.name) {
    throw new NotFoundError(`reservation ${confirmationNumber}`, 'check the confirmation number');
  }
}

/**
 * Owners in Postgres (`ops.reservation_owner`), the production store. Concurrent bookings' owners are
 * inserted together, one statement per batch ({@link WriteCoalescer}); each `record` still resolves only
 * once its own row is committed, so the owner is recorded before the event is produced, as before. In a
 * batch, the first owner queued for a number wins, as the first insert did.
 */
export class PostgresReservationOwners implements ReservationOwners {
  readonly #pool: Pool;
  readonly #inserts: WriteCoalescer<{ confirmationNumber: string; client: string }>;

  constructor(pool: Pool) {
    this.#pool = pool;
    this.#inserts = new WriteCoalescer(async (rows) => {
      await this.#pool.query(
        `INSERT INTO ops.reservation_owner (confirmation_number, client)
         SELECT o.confirmation_number, o.client
         FROM unnest($1::text[], $2::text[]) WITH ORDINALITY AS o(confirmation_number, client, n)
         ORDER BY n ON CONFLICT DO NOTHING`,
        [rows.map((r) => r.confirmationNumber), rows.map((r) => r.client)],
      );
    });
  }

  async record(confirmationNumber: string, client: string): Promise<void> {
    try {
      await this.#inserts.write({ confirmationNumber, client });
    } catch (error) {
      throw new UnavailableError('Postgres (reservation owners)', error);
    }
  }

  async ownerOf(confirmationNumber: string): Promise<string | undefined> {
    try {
      const result = await this.#pool.query<{ client: string }>(
        'SELECT client FROM ops.reservation_owner WHERE confirmation_number = $1',
        [confirmationNumber],
      );
      return result.rows[0]?.client;
    } catch (error) {
      throw new UnavailableError('Postgres (reservation owners)', error);
    }
  }
}

/** Owners in a map, for unit tests. */
export class InMemoryReservationOwners implements ReservationOwners {
  readonly #owners = new Map<string, string>();

  async record(confirmationNumber: string, client: string): Promise<void> {
    if (!this.#owners.has(confirmationNumber)) this.#owners.set(confirmationNumber, client);
  }

  async ownerOf(confirmationNumber: string): Promise<string | undefined> {
    return this.#owners.get(confirmationNumber);
  }
}
