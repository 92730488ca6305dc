/**
 * Upserts of the `availability`, `rates`, `payments` and `analytics` schemas. Tables holding a latest
 * value are last-writer-wins by source offset, the topology's decision order (see {@link upsertLatest}),
 * with a strict comparison, so an event applied again changes nothing; tables of facts are keyed by event id and insert each event once.
 */
import type { PoolClient } from 'pg';
import { occupancyBp } from '../../processors/domain/kpis.js';
import { basisPointsToDecimal } from '../../processors/topology/event-values.js';
import type {
  AnalyticsAlert,
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
import { insertFact, upsertLatest } from './upsert-statements.js';

type Payment = PaymentInitiated | PaymentAuthorized | PaymentCaptured | PaymentFailed | PaymentRefunded;

/** The key of the tables holding one value per room type and night. */
const NIGHT_KEY = ['property_id', 'room_type', 'stay_date'] as const;

/** The {@link NIGHT_KEY} columns of an event about one room type's night. */
function nightOf(e: { propertyId: string; roomType: string; stayDate: string }) {
  return { property_id: e.propertyId, room_type: e.roomType, stay_date: e.stayDate };
}

/** The column by which {@link upsertLatest} tells the newest write, with the event that made it and its time. */
function versionOf(e: { occurredAt: number; eventId: string }, offset: string) {
  return { occurred_at: e.occurredAt, source_offset: offset, last_event_id: e.eventId };
}

/** The `analytics.occupancy` row of the night an `availability.updated` event reports. */
function occupancyRow(e: AvailabilityUpdated, offset: string) {
  return {
    ...nightOf(e),
    capacity: e.capacity,
    rooms_reserved: e.roomsReserved,
    occupancy: basisPointsToDecimal(occupancyBp(e.roomsReserved, e.capacity) ?? 0),
    ...versionOf(e, offset),
  };
}

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
      await upsertLatest(
        client,
        'availability.calendar',
        {
          ...nightOf(e),
          capacity: e.capacity,
          overbooking_allowance: e.overbookingAllowance,
          rooms_reserved: e.roomsReserved,
          rooms_available: e.roomsAvailable,
          ...versionOf(e, offset),
        },
        { key: NIGHT_KEY },
      );
      // The topology no longer writes `analytics.occupancy` (it repeated this event's key and figures,
      // one record per night changed): its rows are this night's occupancy, versioned by the same event.
      await upsertLatest(client, 'analytics.occupancy', occupancyRow(e, offset), { key: NIGHT_KEY });
      return true;
    }
    case 'availability.overbooked': {
      const e = value as AvailabilityOverbooked;
      await insertFact(client, 'availability.overbooking', {
        event_id: e.eventId,
        property_id: e.propertyId,
        room_type: e.roomType,
        stay_date: e.stayDate,
        confirmation_number: e.confirmationNumber,
        capacity: e.capacity,
        rooms_reserved: e.roomsReserved,
        overbooked_by: e.overbookedBy,
        occurred_at: e.occurredAt,
      });
      return true;
    }
    case 'rate.updated': {
      const e = value as RateUpdated;
      await upsertLatest(
        client,
        'rates.current_rate',
        {
          ...nightOf(e),
          base_rate: e.baseRate.amount,
          rate: e.rate.amount,
          currency: e.rate.currency,
          demand_multiplier: e.demandMultiplier,
          occupancy: e.occupancy,
          ...versionOf(e, offset),
        },
        { key: NIGHT_KEY },
      );
      return true;
    }
    case 'rate.applied': {
      const e = value as RateApplied;
      await insertFact(client, 'rates.applied_rate', {
        event_id: e.eventId,
        confirmation_number: e.confirmationNumber,
        property_id: e.propertyId,
        room_type: e.roomType,
        rooms: e.rooms,
        rate_plan: e.ratePlan,
        room_total: e.roomTotal.amount,
        currency: e.roomTotal.currency,
        nightly_rates: JSON.stringify(e.nightlyRates),
        occurred_at: e.occurredAt,
      });
      return true;
    }
    case 'payment.initiated':
    case 'payment.authorized':
    case 'payment.captured':
    case 'payment.failed':
    case 'payment.refunded': {
      const e = value as Payment;
      await insertFact(client, 'payments.payment_event', {
        event_id: e.eventId,
        payment_id: e.paymentId,
        confirmation_number: e.confirmationNumber,
        property_id: e.propertyId,
        event_type: e.eventType,
        amount: e.amount.amount,
        currency: e.amount.currency,
        detail: 'reason' in e ? `${e.reason}${e.detail === null ? '' : `: ${e.detail}`}` : null,
        occurred_at: e.occurredAt,
      });
      return true;
    }
    case 'analytics.booking-kpis': {
      const e = value as BookingKpis;
      await upsertLatest(
        client,
        'analytics.booking_kpis',
        {
          property_id: e.propertyId,
          window_size_ms: e.windowSizeMs,
          window_start: e.windowStart,
          window_end: e.windowEnd,
          window_advance_ms: e.windowAdvanceMs,
          final: e.final,
          bookings: e.bookings,
          cancellations: e.cancellations,
          room_nights: e.roomNights,
          revenue: e.revenue.amount,
          adr: e.adr.amount,
          revpar: e.revpar.amount,
          currency: e.revenue.currency,
          available_room_nights: e.availableRoomNights,
          ...versionOf(e, offset),
        },
        // A final result belongs to a closed window: a later update of that window is not applied.
        { key: ['property_id', 'window_size_ms', 'window_start'], keepFinal: true },
      );
      return true;
    }
    case 'analytics.alerts': {
      const e = value as AnalyticsAlert;
      const figures = {
        property_id: e.propertyId,
        room_type: e.roomType,
        stay_date: e.stayDate,
        kind: e.kind,
        status: e.status,
        sequence: e.sequence,
        as_of: e.asOf,
        value: e.value,
        threshold: e.threshold,
        detail: e.detail,
        raised_at: e.raisedAt,
      };
      await insertFact(client, 'analytics.alert_event', {
        event_id: e.eventId,
        ...figures,
        occurred_at: e.occurredAt,
      });
      await upsertLatest(
        client,
        'analytics.alert',
        { ...figures, active: e.status !== 'CLEARED', ...versionOf(e, offset) },
        { key: ['property_id', 'room_type', 'stay_date', 'kind'] },
      );
      return true;
    }
    // Written by the topology before it derived occupancy from `availability.updated`; still applied, so
    // such events left on the topic (or from another writer) keep their meaning.
    case 'analytics.occupancy': {
      const e = value as RoomTypeOccupancy;
      await upsertLatest(
        client,
        'analytics.occupancy',
        {
          ...nightOf(e),
          capacity: e.capacity,
          rooms_reserved: e.roomsReserved,
          occupancy: e.occupancy,
          ...versionOf(e, offset),
        },
        { key: NIGHT_KEY },
      );
      return true;
    }
    default:
      return false;
  }
}
