/**
 * Turns workload operations into the events the API would produce for them, with the API's own event
 * builders (so the pipeline sees exactly what production traffic looks like), but with event ids derived
 * from the operation instead of random UUIDs: a replay of the same workload writes the same events.
 */

import { quote, reservationCreated, reservationModified } from '../../api/reservations/events.js';
import type { ReservationView } from '../../api/reservations/reservation-view.js';
import { cancellationOutcome } from '../../processors/domain/cancellation-policy.js';
import type { Property, PropertyCatalog } from '../../processors/domain/reference-data.js';
import { fromEventMoney, toEventMoney } from '../../processors/topology/event-values.js';
import type {
  ReservationCancelled,
  ReservationCreated,
  ReservationModified,
} from '../../schemas/generated/types.js';
import type { Operation } from './booking-workload.js';

/** One record for the input topics, keyed by property like every topic of the pipeline. */
export type WorkloadRecord =
  | { readonly topic: 'reservation.created'; readonly key: string; readonly value: ReservationCreated }
  | { readonly topic: 'reservation.cancelled'; readonly key: string; readonly value: ReservationCancelled }
  | { readonly topic: 'reservation.modified'; readonly key: string; readonly value: ReservationModified };

/**
 * The record for `operation`, accepted at `now` (its `occurredAt`; the runner also uses `now` as the
 * record timestamp, the start of the end-to-end latency).
 */
export function toWorkloadRecord(
  catalog: PropertyCatalog,
  operation: Operation,
  now: number,
): WorkloadRecord {
  const property = catalog.property(operation.propertyId);
  const eventId = `bench-${operation.kind}-${operation.seq}`;
  switch (operation.kind) {
    case 'create': {
      const { stay } = operation;
      const value = reservationCreated(
        property,
        {
          propertyId: operation.propertyId,
          roomType: stay.roomType,
          checkInDate: stay.checkInDate,
          checkOutDate: stay.checkOutDate,
          rooms: stay.rooms,
          adults: stay.adults,
          children: stay.children,
          channel: operation.channel,
          guest: {
            ...operation.guestName,
            email: `${operation.guestName.firstName.toLowerCase()}.${operation.seq}@bench.example`,
          },
          paymentToken: operation.paymentToken,
        },
        stay,
        operation.confirmationNumber,
        now,
        null,
      );
      return { topic: 'reservation.created', key: operation.propertyId, value: { ...value, eventId } };
    }
    case 'cancel': {
      const value = cancellation(property, operation.confirmationNumber, operation.stay, now);
      return { topic: 'reservation.cancelled', key: operation.propertyId, value: { ...value, eventId } };
    }
    case 'modify': {
      const current = viewOf(operation.confirmationNumber, property, operation.previousStay);
      const value = reservationModified(property, current, operation.stay, 'benchmark modification', now);
      return { topic: 'reservation.modified', key: operation.propertyId, value: { ...value, eventId } };
    }
  }
}

/**
 * What a client would know of a reservation it changes: assumed confirmed (the pipeline decides from its
 * own store, so a guess here only affects informational fields such as `previousStatus`).
 */
function viewOf(
  confirmationNumber: string,
  property: Property,
  stay: ReservationView['stay'],
): ReservationView {
  return {
    confirmationNumber,
    propertyId: property.propertyId,
    guestId: `G-${confirmationNumber}`,
    status: 'CONFIRMED',
    stay,
    totalAmount: null,
    detail: null,
    history: [],
  };
}

/**
 * `reservation.cancelled` by a guest of a confirmed reservation. Built here rather than with the API's
 * `reservationCancelled`, which parses the scale-2 event total with the currency's own exponent and so
 * throws for yen properties (`"88800.00"` is refused for JPY); the policy and the pipeline's recomputation
 * are the same.
 */
function cancellation(
  property: Property,
  confirmationNumber: string,
  stay: ReservationView['stay'],
  now: number,
): ReservationCancelled {
  const quoted = quote(property, stay);
  const total = fromEventMoney(quoted.totalAmount);
  const outcome = cancellationOutcome(property, {
    checkIn: stay.checkInDate,
    rooms: stay.rooms,
    firstNightRate: fromEventMoney(quoted.nightlyRates[0]?.rate ?? quoted.totalAmount),
    total,
    paid: total,
    cancelledAt: now,
  });
  return {
    eventId: '',
    eventType: 'ReservationCancelled',
    occurredAt: now,
    confirmationNumber,
    propertyId: property.propertyId,
    stayDetails: stay,
    previousStatus: 'CONFIRMED',
    reason: 'GUEST_REQUEST',
    freeCancellationDeadline: outcome.deadline,
    withinFreeCancellation: outcome.free,
    cancellationFee: toEventMoney(outcome.fee),
    refundAmount: toEventMoney(outcome.refund),
  };
}
