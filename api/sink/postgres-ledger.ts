/**
 * The {@link ReservationLedger} over the system of record: reads a reservation and its history from
 * Postgres, and records the API's own accepted commands with the sink's upserts (same event id, so the
 * sink applying the same event later changes nothing). Concurrent requests' records share a transaction
 * (each request still waits for the commit of its own), so a booking costs no transaction of its own.
 */
import type { Pool } from 'pg';
import type { ReservationStatus } from '../../schemas/generated/types.js';
import { WriteCoalescer } from '../db/write-coalescer.js';
import { UnavailableError } from '../errors.js';
import type { ReservationLedger, ReservationView } from '../reservations/reservation-view.js';
import { applyReservationEvent } from './reservation-upserts.js';

const DEADLOCK = '40P01';
const SERIALIZATION_FAILURE = '40001';

interface ReservationRow {
  confirmation_number: string;
  property_id: string;
  guest_id: string | null;
  status: ReservationStatus | null;
  detail: string | null;
  room_type: string | null;
  check_in_date: string | null;
  check_out_date: string | null;
  nights: number | null;
  rooms: number | null;
  adults: number | null;
  children: number | null;
  total_amount: string | null;
  currency: string | null;
}

interface HistoryRow {
  event_type: string;
  status: ReservationStatus | null;
  occurred_at: string;
  detail: string | null;
}

/** Reservations in Postgres. */
export class PostgresReservationLedger implements ReservationLedger {
  readonly #pool: Pool;

  /** The API's own accepted events, written in batches ({@link WriteCoalescer}). */
  readonly #records: WriteCoalescer<{ topic: string; event: object }>;

  constructor(pool: Pool) {
    this.#pool = pool;
    // Small batches, several at once: a transaction's statements run one after the other on its
    // connection and hold row locks the sink may wait for, so one big batch would be slow and contended.
    this.#records = new WriteCoalescer((batch) => this.#recordBatch(batch), {
      maxBatch: 32,
      maxInFlight: 6,
    });
  }

  async get(confirmationNumber: string): Promise<ReservationView | undefined> {
    try {
      const result = await this.#pool.query<ReservationRow>(
        `SELECT confirmation_number, property_id, guest_id, status, detail, room_type,
           to_char(check_in_date, 'YYYY-MM-DD') AS check_in_date,
           to_char(effective_check_out_date, 'YYYY-MM-DD') AS check_out_date,
           effective_nights AS nights, rooms, adults, children, total_amount::text AS total_amount, currency
         FROM reservations.reservation WHERE confirmation_number = $1`,
        [confirmationNumber],
      );
      const row = result.rows[0];
      // A row made only by a decision that overtook its creation has no stay yet: not known enough.
      if (row === undefined || row.room_type === null) return undefined;
      const history = await this.#pool.query<HistoryRow>(
        `SELECT event_type, status, occurred_at::text AS occurred_at, detail FROM reservations.status_history
         WHERE confirmation_number = $1 ORDER BY occurred_at, event_id`,
        [confirmationNumber],
      );
      return {
        confirmationNumber: row.confirmation_number,
        propertyId: row.property_id,
        guestId: row.guest_id ?? '',
        status: row.status ?? 'PENDING',
        stay: {
          roomType: row.room_type,
          checkInDate: row.check_in_date!,
          checkOutDate: row.check_out_date!,
          nights: row.nights!,
          rooms: row.rooms!,
          adults: row.adults!,
          children: row.children!,
        },
        totalAmount:
          row.total_amount === null || row.currency === null
            ? null
            : { amount: row.total_amount, currency: row.currency },
        detail: row.detail,
        history: history.rows.map((h) => ({
          eventType: h.event_type,
          status: h.status,
          occurredAt: Number(h.occurred_at),
          detail: h.detail,
        })),
      };
    } catch (error) {
      throw new UnavailableError('Postgres (reservations)', error);
    }
  }

  async record(topic: string, event: { eventId: string; confirmationNumber: string }): Promise<void> {
    await this.#records.write({ topic, event });
  }

  /**
   * One transaction for a batch of accepted events, in the order they were accepted. A deadlock with the
   * sink (which applies the same rows in its own transactions) is retried: every upsert is idempotent.
   */
  async #recordBatch(batch: readonly { topic: string; event: object }[]): Promise<void> {
    for (let attempt = 1; ; attempt++) {
      const client = await this.#pool.connect();
      try {
        await client.query('BEGIN');
        for (const { topic, event } of batch) await applyReservationEvent(client, topic, event, 'api');
        await client.query('COMMIT');
        return;
      } catch (error) {
        await client.query('ROLLBACK').catch(() => undefined);
        const code = (error as { code?: unknown }).code;
        if (attempt >= 3 || (code !== DEADLOCK && code !== SERIALIZATION_FAILURE)) throw error;
      } finally {
        client.release();
      }
    }
  }
}
