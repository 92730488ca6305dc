/**
 * The {@link ReservationLedger} over the system of record: reads a reservation and its history from
 * Postgres, and records the API's own accepted commands with the sink's upserts (same event id, so the
 * sink applying the same event later changes nothing). One small transaction per command, not batches:
 * the sink upserts the same rows in its own (large) transactions, and a batch of the API's holding many
 * rows' locks at once waited on them and deadlocked with them under load (bench/RESULTS.md, bench:http).
 */
import type { Pool } from 'pg';
import type { ReservationStatus } from '../../schemas/generated/types.js';
import { UnavailableError } from '../errors.js';
import type { ReservationLedger, ReservationView } from '../reservations/reservation-view.js';
import { applyReservationEvent } from './reservation-upserts.js';

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

  constructor(pool: Pool) {
    this.#pool = pool;
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
    const client = await this.#pool.connect();
    try {
      await client.query('BEGIN');
      await applyReservationEvent(client, topic, event, 'api');
      await client.query('COMMIT');
    } catch (error) {
      await client.query('ROLLBACK').catch(() => undefined);
      throw error;
    } finally {
      client.release();
    }
  }
}
