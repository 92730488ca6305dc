/**
 * Upserts of the `reservations` schema from the event topics. Until the row has a state from the
 * pipeline's `reservations` store (`reservation-state-upsert.ts`, which then decides status, stay and
 * total in the store's own order), a reservation row gathers what each event says about it, each part
 * last-writer-wins by event time (status: then by rank, so the pipeline's decision beats the command it
 * decided), with strict comparisons so that applying the same event again changes nothing. Once it has
 * one, only the API's own write of a command the store has not applied yet (its read-your-writes) moves
 * them, until the store catches up. Every
 * event is also a row of `status_history`, inserted once by event id. An early check-out is kept beside
 * the booked stay (`departure_date`), so that its refusal can undo it; `effective_check_out_date` and
 * `effective_nights` are the stay as it ended.
 */
import type { PoolClient } from 'pg';
import type {
  ReservationCancelled,
  ReservationCheckedIn,
  ReservationCheckedOut,
  ReservationConfirmed,
  ReservationCreated,
  ReservationModified,
  ReservationRejected,
  ReservationStatus,
  StayDetails,
} from '../../schemas/generated/types.js';
import { insertFact } from './upsert-statements.js';

/** What one event says about a reservation; absent parts are left as they are. */
interface ReservationFacts {
  readonly confirmationNumber: string;
  readonly propertyId: string;
  readonly occurredAt: number;
  readonly guestId?: string;
  readonly status?: ReservationStatus;
  /** 1 for the pipeline's decisions, 0 for commands. */
  readonly rank?: number;
  readonly detail?: string | null;
  readonly stay?: StayDetails;
  /** 1 for a stay restored after a refused modification, 0 otherwise. */
  readonly stayRank?: number;
  readonly total?: { readonly amount: string; readonly currency: string };
}

const UPSERT = `
INSERT INTO reservations.reservation AS r (
  confirmation_number, property_id, guest_id, status, status_event_time, status_rank, detail,
  room_type, check_in_date, check_out_date, nights, rooms, adults, children, stay_event_time, stay_rank,
  total_amount, currency, total_event_time, created_at, pending_event_ids, pending_since)
VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $5, $17, $15, $16, $5, $5,
  CASE WHEN $18::text IS NOT NULL THEN ARRAY[$18::text] END, CASE WHEN $18::text IS NOT NULL THEN now() END)
-- $18: the event id of the API's own write of a command (null for the sink), see beforeStore().
ON CONFLICT (confirmation_number) DO UPDATE SET
  -- Undecided by the store: an older store state must not undo it (reservation-state-upsert.ts).
  pending_event_ids = CASE WHEN ${newlyPending()} THEN array_append(coalesce(r.pending_event_ids, '{}'), $18::text)
    ELSE r.pending_event_ids END,
  pending_since = CASE WHEN ${newlyPending()} THEN now() ELSE r.pending_since END,
  guest_id = coalesce(r.guest_id, excluded.guest_id),
  status = CASE WHEN ${newerStatus()} THEN excluded.status ELSE r.status END,
  detail = CASE WHEN ${newerStatus()} THEN excluded.detail ELSE r.detail END,
  status_rank = CASE WHEN ${newerStatus()} THEN excluded.status_rank ELSE r.status_rank END,
  status_event_time = CASE WHEN ${newerStatus()} THEN excluded.status_event_time ELSE r.status_event_time END,
  room_type = CASE WHEN ${newerStay()} THEN excluded.room_type ELSE r.room_type END,
  check_in_date = CASE WHEN ${newerStay()} THEN excluded.check_in_date ELSE r.check_in_date END,
  check_out_date = CASE WHEN ${newerStay()} THEN excluded.check_out_date ELSE r.check_out_date END,
  nights = CASE WHEN ${newerStay()} THEN excluded.nights ELSE r.nights END,
  rooms = CASE WHEN ${newerStay()} THEN excluded.rooms ELSE r.rooms END,
  adults = CASE WHEN ${newerStay()} THEN excluded.adults ELSE r.adults END,
  children = CASE WHEN ${newerStay()} THEN excluded.children ELSE r.children END,
  stay_event_time = CASE WHEN ${newerStay()} THEN excluded.stay_event_time ELSE r.stay_event_time END,
  stay_rank = CASE WHEN ${newerStay()} THEN excluded.stay_rank ELSE r.stay_rank END,
  total_amount = CASE WHEN ${newerTotal()} THEN excluded.total_amount ELSE r.total_amount END,
  currency = CASE WHEN ${newerTotal()} THEN excluded.currency ELSE r.currency END,
  total_event_time = CASE WHEN ${newerTotal()} THEN excluded.total_event_time ELSE r.total_event_time END,
  created_at = least(r.created_at, excluded.created_at)`;

/**
 * The event wins by `byTime` while the row has no store state; with one, only the API's own write of a
 * command the store has not applied yet wins (its read-your-writes until the store catches up).
 */
function beforeStore(byTime: string): string {
  return `(CASE WHEN r.state_offset IS NULL THEN ${byTime}
    ELSE $18::text IS NOT NULL AND NOT ($18::text = ANY(coalesce(r.state_event_ids, '{}'))) END)`;
}

/** The API's own write of a command that the store has not decided and that is not pending already. */
function newlyPending(): string {
  return `($18::text IS NOT NULL AND NOT ($18::text = ANY(coalesce(r.state_event_ids, '{}')))
    AND NOT ($18::text = ANY(coalesce(r.pending_event_ids, '{}'))))`;
}

function newerStatus(): string {
  return `(excluded.status IS NOT NULL AND (r.status IS NULL OR ${beforeStore(
    '(excluded.status_event_time, excluded.status_rank) > (r.status_event_time, r.status_rank)',
  )}))`;
}

function newerStay(): string {
  return `(excluded.room_type IS NOT NULL AND (r.room_type IS NULL OR ${beforeStore(
    '(excluded.stay_event_time, excluded.stay_rank) > (r.stay_event_time, r.stay_rank)',
  )}))`;
}

function newerTotal(): string {
  return `(excluded.total_amount IS NOT NULL AND (r.total_amount IS NULL OR ${beforeStore(
    'excluded.total_event_time > r.total_event_time',
  )}))`;
}

/** Who applies an event: the sink (from the topics) or the API (its own accepted command, at once). */
export type EventSource = 'sink' | 'api';

async function upsertReservation(
  client: PoolClient,
  f: ReservationFacts,
  optimistic: string | null,
): Promise<void> {
  const s = f.stay;
  await client.query(UPSERT, [
    f.confirmationNumber,
    f.propertyId,
    f.guestId ?? null,
    f.status ?? null,
    f.occurredAt,
    f.rank ?? 0,
    f.detail ?? null,
    s?.roomType ?? null,
    s?.checkInDate ?? null,
    s?.checkOutDate ?? null,
    s?.nights ?? null,
    s?.rooms ?? null,
    s?.adults ?? null,
    s?.children ?? null,
    f.total?.amount ?? null,
    f.total?.currency ?? null,
    f.stayRank ?? 0,
    optimistic,
  ]);
}

async function history(
  client: PoolClient,
  topic: string,
  event: { eventId: string; eventType: string; confirmationNumber: string; occurredAt: number },
  status: ReservationStatus | null,
  detail: string | null,
  previousStay: StayDetails | null = null,
): Promise<void> {
  await insertFact(client, 'reservations.status_history', {
    event_id: event.eventId,
    confirmation_number: event.confirmationNumber,
    event_type: event.eventType,
    status,
    occurred_at: event.occurredAt,
    detail,
    source_topic: topic,
    previous_stay: previousStay === null ? null : JSON.stringify(previousStay),
  });
}

/** The stay before the modification of `confirmationNumber` made at `occurredAt`, if one was recorded. */
async function stayBeforeModification(
  client: PoolClient,
  confirmationNumber: string,
  occurredAt: number,
): Promise<StayDetails | undefined> {
  const result = await client.query<{ previous_stay: StayDetails }>(
    `SELECT previous_stay FROM reservations.status_history
     WHERE confirmation_number = $1 AND occurred_at = $2 AND event_type = 'ReservationModified'
       AND previous_stay IS NOT NULL LIMIT 1`,
    [confirmationNumber, occurredAt],
  );
  return result.rows[0]?.previous_stay;
}

/** True when a refusal of a command made at `occurredAt` (a refusal carries the command's own time) is recorded. */
async function refusedAt(
  client: PoolClient,
  confirmationNumber: string,
  occurredAt: number,
): Promise<boolean> {
  const result = await client.query(
    `SELECT 1 FROM reservations.status_history WHERE confirmation_number = $1 AND occurred_at = $2
       AND event_type = 'ReservationRejected'`,
    [confirmationNumber, occurredAt],
  );
  return (result.rowCount ?? 0) > 0;
}

/** Applies one event of a `reservation.*` topic; returns false for a topic it does not know. */
export async function applyReservationEvent(
  client: PoolClient,
  topic: string,
  value: unknown,
  source: EventSource = 'sink',
): Promise<boolean> {
  const upsert = (facts: ReservationFacts) =>
    upsertReservation(client, facts, source === 'api' ? (value as { eventId: string }).eventId : null);
  switch (topic) {
    case 'reservation.created': {
      const e = value as ReservationCreated;
      await upsert({
        ...e,
        guestId: e.guestDetails.guestId,
        status: 'PENDING',
        stay: e.stayDetails,
        total: e.pricingDetails.totalAmount,
      });
      await history(client, topic, e, 'PENDING', null);
      return true;
    }
    case 'reservation.modified': {
      const e = value as ReservationModified;
      await history(client, topic, e, null, e.reason, e.previousStayDetails);
      // Its refusal came first: the modification never took effect, so its stay is not applied.
      if (!(await refusedAt(client, e.confirmationNumber, e.occurredAt))) {
        await upsert({ ...e, stay: e.stayDetails, total: e.pricingDetails.totalAmount });
      } else {
        await upsert({ ...e, stay: e.previousStayDetails, stayRank: 1 });
      }
      return true;
    }
    case 'reservation.cancelled': {
      const e = value as ReservationCancelled;
      await upsert({ ...e, status: 'CANCELLED', detail: e.reason });
      await history(client, topic, e, 'CANCELLED', e.reason);
      return true;
    }
    case 'reservation.checkin': {
      const e = value as ReservationCheckedIn;
      await upsert({ ...e, status: 'CHECKED_IN' });
      await history(client, topic, e, 'CHECKED_IN', null);
      return true;
    }
    case 'reservation.checkout': {
      const e = value as ReservationCheckedOut;
      await upsert({ ...e, status: 'CHECKED_OUT' });
      await history(client, topic, e, 'CHECKED_OUT', null);
      // A departure before the booked check-out date shortens the stay (effective_check_out_date and
      // effective_nights follow), unless the pipeline refused this check-out: its refusal, at the command's
      // own time, may have been applied first.
      if (!(await refusedAt(client, e.confirmationNumber, e.occurredAt))) {
        // With a store state, whose stay is already shortened, only the API's read-your-writes applies.
        await client.query(
          `UPDATE reservations.reservation SET departure_date = $2, departure_event_id = $3
           WHERE confirmation_number = $1
             AND (state_offset IS NULL OR ($4 AND NOT ($3 = ANY(coalesce(state_event_ids, '{}')))))`,
          [e.confirmationNumber, e.checkOutDate, e.eventId, source === 'api'],
        );
      }
      return true;
    }
    case 'reservation.confirmed': {
      const e = value as ReservationConfirmed;
      await upsert({
        ...e,
        status: 'CONFIRMED',
        rank: 1,
        stay: e.stayDetails,
        total: e.totalAmount,
      });
      await history(client, topic, e, 'CONFIRMED', null);
      return true;
    }
    case 'reservation.rejected': {
      const e = value as ReservationRejected;
      const detail = `${e.reason}${e.detail === null ? '' : `: ${e.detail}`}`;
      // currentStatus is the status after the refusal: REJECTED, or the unchanged one for a refused
      // command (which undoes the command's optimistic status, as rank 1 beats rank 0 at equal time).
      if (e.currentStatus !== null) {
        await upsert({ ...e, status: e.currentStatus, rank: 1, detail });
      }
      await history(client, topic, e, e.currentStatus, detail);
      if (e.refusedAction === 'ReservationCheckedOut') {
        // The refused check-out's departure, if it was applied first, never happened.
        await client.query(
          `UPDATE reservations.reservation SET departure_date = NULL, departure_event_id = NULL
           WHERE confirmation_number = $1 AND departure_event_id IN (
             SELECT event_id FROM reservations.status_history
             WHERE confirmation_number = $1 AND occurred_at = $2 AND event_type = 'ReservationCheckedOut')`,
          [e.confirmationNumber, e.occurredAt],
        );
      }
      if (e.refusedAction === 'ReservationModified') {
        // Restore the stay the refused modification replaced, outranking it at its own event time.
        const previous = await stayBeforeModification(client, e.confirmationNumber, e.occurredAt);
        if (previous !== undefined) {
          await upsert({ ...e, stay: previous, stayRank: 1 });
        }
      }
      return true;
    }
    default:
      return false;
  }
}
