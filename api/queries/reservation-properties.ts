/**
 * Which property a confirmation number belongs to: the `reservations` store is partitioned by property,
 * so a reservation read must know the property to find the instance that holds it. The API records it
 * in Redis when it accepts a booking (`SET <prefix>rsv:property:<number> <propertyId>`, shared by every
 * instance); a number Redis does not know (booked before this existed, or expired) is looked up in the
 * system of record, and remembered again.
 *
 * One key per reservation with a TTL rather than one ever-growing hash: the `reservations` store forgets
 * a finished reservation after its retention (30 days by default) anyway, and the Postgres fallback
 * answers for anything older, so Redis never has to hold every booking ever made.
 */
import type { Redis } from 'ioredis';
import { UnavailableError } from '../errors.js';
import type { ReservationLedger, ReservationReader } from '../reservations/reservation-view.js';

/** How long Redis remembers a reservation's property: beyond the store's default 30-day retention. */
export const PROPERTY_TTL_SECONDS = 40 * 86_400;

/** Finds the property of a confirmation number. */
export interface ReservationPropertyIndex {
  /** The property id, or `undefined` when neither Redis nor the system of record knows the number. */
  propertyOf(confirmationNumber: string): Promise<string | undefined>;
}

/** The Redis index, with the system of record as fallback. */
export class RedisReservationProperties implements ReservationPropertyIndex {
  readonly #redis: Redis;
  readonly #prefix: string;
  readonly #fallback: ReservationReader;

  constructor(redis: Redis, keyPrefix: string, fallback: ReservationReader) {
    this.#redis = redis;
    this.#prefix = keyPrefix;
    this.#fallback = fallback;
  }

  /** Records `propertyId` as the property of `confirmationNumber`. */
  async remember(confirmationNumber: string, propertyId: string): Promise<void> {
    try {
      await this.#redis.set(this.#key(confirmationNumber), propertyId, 'EX', PROPERTY_TTL_SECONDS);
    } catch (error) {
      throw new UnavailableError('Redis (reservation properties)', error);
    }
  }

  async propertyOf(confirmationNumber: string): Promise<string | undefined> {
    let known: string | null;
    try {
      known = await this.#redis.get(this.#key(confirmationNumber));
    } catch (error) {
      throw new UnavailableError('Redis (reservation properties)', error);
    }
    if (known !== null) return known;
    const view = await this.#fallback.get(confirmationNumber);
    if (view === undefined) return undefined;
    await this.remember(confirmationNumber, view.propertyId);
    return view.propertyId;
  }

  #key(confirmationNumber: string): string {
    return `${this.#prefix}rsv:property:${confirmationNumber}`;
  }
}

/**
 * `ledger`, which also remembers the property of every reservation the API creates (the routes record
 * each accepted event in the ledger; a `reservation.created` carries the property).
 */
export function rememberingProperties(
  ledger: ReservationLedger,
  properties: RedisReservationProperties,
): ReservationLedger {
  return {
    get: (confirmationNumber) => ledger.get(confirmationNumber),
    record: async (topic, event) => {
      const { propertyId } = event as { propertyId?: unknown };
      const remembered =
        topic === 'reservation.created' && typeof propertyId === 'string'
          ? properties.remember(event.confirmationNumber, propertyId)
          : undefined;
      // Neither write waits for or depends on the other; a failure of either is reported (the routes log it).
      const [recorded, remembering] = await Promise.allSettled([ledger.record(topic, event), remembered]);
      if (recorded.status === 'rejected') throw recorded.reason;
      if (remembering.status === 'rejected') throw remembering.reason;
    },
  };
}
