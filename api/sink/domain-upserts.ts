/**
 * Upserts of the `availability`, `rates`, `payments` and `analytics` schemas. Tables holding a latest
 * value are last-writer-wins by (event time, offset) with a strict comparison, so an event applied again
 * changes nothing; tables of facts are keyed by event id and insert each event once.
 */
import type { PoolClient } from 'pg';
import type {
  AvailabilityOverbooked,
  AvailabilityUpdated,
  BookingKpis,
  PaymentAuthorized,
  PaymentCaptured,
  PaymentFailed,
  PaymentInitiated,
  PaymentRefunded,
  RateApplied,
  RateUpdated,
  RoomTypeOccupancy,
} from '../../schemas/generated/types.js';

type Payment = PaymentInitiated | PaymentAuthorized | PaymentCaptured | PaymentFailed | PaymentRefunded;

/** Applies one event of a non-reservation topic at `offset`; returns false for a topic it does not know. */
export async function applyDomainEvent(
  client: PoolClient,
  topic: string,
  value: unknown,
  offset: string,
): Promise<boolean> {
  switch (topic) {
    case 'availability.updated': {
      const e = value as AvailabilityUpdated;
      await client.query(
        `INSERT INTO availability.calendar AS c (property_id, room_type, stay_date, capacity,
           overbooking_allowance, rooms_reserved, rooms_available, occurred_at, source_offset, last_event_id)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)
         ON CONFLICT (property_id, room_type, stay_date) DO UPDATE SET
           capacity = excluded.capacity, overbooking_allowance = excluded.overbooking_allowance,
           rooms_reserved = excluded.rooms_reserved, rooms_available = excluded.rooms_available,
           occurred_at = excluded.occurred_at, source_offset = excluded.source_offset,
           last_event_id = excluded.last_event_id
         WHERE (excluded.occurred_at, excluded.source_offset) > (c.occurred_at, c.source_offset)`,
        [
          e.propertyId,
          e.roomType,
          e.stayDate,
          e.capacity,
          e.overbookingAllowance,
          e.roomsReserved,
          e.roomsAvailable,
          e.occurredAt,
          offset,
          e.eventId,
        ],
      );
      return true;
    }
    case 'availability.overbooked': {
      const e = value as AvailabilityOverbooked;
      await client.query(
        `INSERT INTO availability.overbooking (event_id, property_id, room_type, stay_date,
           confirmation_number, capacity, rooms_reserved, overbooked_by, occurred_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) ON CONFLICT (event_id) DO NOTHING`,
        [
          e.eventId,
          e.propertyId,
          e.roomType,
          e.stayDate,
          e.confirmationNumber,
          e.capacity,
          e.roomsReserved,
          e.overbookedBy,
          e.occurredAt,
        ],
      );
      return true;
    }
    case 'rate.updated': {
      const e = value as RateUpdated;
      await client.query(
        `INSERT INTO rates.current_rate AS c (property_id, room_type, stay_date, base_rate, rate, currency,
           demand_multiplier, occupancy, occurred_at, source_offset, last_event_id)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)
         ON CONFLICT (property_id, room_type, stay_date) DO UPDATE SET
           base_rate = excluded.base_rate, rate = excluded.rate, currency = excluded.currency,
           demand_multiplier = excluded.demand_multiplier, occupancy = excluded.occupancy,
           occurred_at = excluded.occurred_at, source_offset = excluded.source_offset,
           last_event_id = excluded.last_event_id
         WHERE (excluded.occurred_at, excluded.source_offset) > (c.occurred_at, c.source_offset)`,
        [
          e.propertyId,
          e.roomType,
          e.stayDate,
          e.baseRate.amount,
          e.rate.amount,
          e.rate.currency,
          e.demandMultiplier,
          e.occupancy,
          e.occurredAt,
          offset,
          e.eventId,
        ],
      );
      return true;
    }
    case 'rate.applied': {
      const e = value as RateApplied;
      await client.query(
        `INSERT INTO rates.applied_rate (event_id, confirmation_number, property_id, room_type, rooms,
           rate_plan, room_total, currency, nightly_rates, occurred_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) ON CONFLICT (event_id) DO NOTHING`,
        [
          e.eventId,
          e.confirmationNumber,
          e.propertyId,
          e.roomType,
          e.rooms,
          e.ratePlan,
          e.roomTotal.amount,
          e.roomTotal.currency,
          JSON.stringify(e.nightlyRates),
          e.occurredAt,
        ],
      );
      return true;
    }
    case 'payment.initiated':
    case 'payment.authorized':
    case 'payment.captured':
    case 'payment.failed':
    case 'payment.refunded': {
      const e = value as Payment;
      const detail = 'reason' in e ? `${e.reason}${e.detail === null ? '' : `: ${e.detail}`}` : null;
      await client.query(
        `INSERT INTO payments.payment_event (event_id, payment_id, confirmation_number, property_id,
           event_type, amount, currency, detail, occurred_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) ON CONFLICT (event_id) DO NOTHING`,
        [
          e.eventId,
          e.paymentId,
          e.confirmationNumber,
          e.propertyId,
          e.eventType,
          e.amount.amount,
          e.amount.currency,
          detail,
          e.occurredAt,
        ],
      );
      return true;
    }
    case 'analytics.booking-kpis': {
      const e = value as BookingKpis;
      await client.query(
        `INSERT INTO analytics.booking_kpis AS k (property_id, window_size_ms, window_start, window_end,
           window_advance_ms, final, bookings, cancellations, room_nights, revenue, adr, revpar, currency,
           available_room_nights, occurred_at, source_offset, last_event_id)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17)
         ON CONFLICT (property_id, window_size_ms, window_start) DO UPDATE SET
           window_end = excluded.window_end, window_advance_ms = excluded.window_advance_ms,
           final = excluded.final, bookings = excluded.bookings, cancellations = excluded.cancellations,
           room_nights = excluded.room_nights, revenue = excluded.revenue, adr = excluded.adr,
           revpar = excluded.revpar, currency = excluded.currency,
           available_room_nights = excluded.available_room_nights, occurred_at = excluded.occurred_at,
           source_offset = excluded.source_offset, last_event_id = excluded.last_event_id
         WHERE NOT k.final AND (excluded.occurred_at, excluded.source_offset) > (k.occurred_at, k.source_offset)`,
        [
          e.propertyId,
          e.windowSizeMs,
          e.windowStart,
          e.windowEnd,
          e.windowAdvanceMs,
          e.final,
          e.bookings,
          e.cancellations,
          e.roomNights,
          e.revenue.amount,
          e.adr.amount,
          e.revpar.amount,
          e.revenue.currency,
          e.availableRoomNights,
          e.occurredAt,
          offset,
          e.eventId,
        ],
      );
      return true;
    }
    case 'analytics.occupancy': {
      const e = value as RoomTypeOccupancy;
      await client.query(
        `INSERT INTO analytics.occupancy AS o (property_id, room_type, stay_date, capacity, rooms_reserved,
           occupancy, occurred_at, source_offset, last_event_id)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)
         ON CONFLICT (property_id, room_type, stay_date) DO UPDATE SET
           capacity = excluded.capacity, rooms_reserved = excluded.rooms_reserved,
           occupancy = excluded.occupancy, occurred_at = excluded.occurred_at,
           source_offset = excluded.source_offset, last_event_id = excluded.last_event_id
         WHERE (excluded.occurred_at, excluded.source_offset) > (o.occurred_at, o.source_offset)`,
        [
          e.propertyId,
          e.roomType,
          e.stayDate,
          e.capacity,
          e.roomsReserved,
          e.occupancy,
          e.occurredAt,
          offset,
          e.eventId,
        ],
      );
      return true;
    }
    default:
      return false;
  }
}
