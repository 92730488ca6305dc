/**
 * Reservation status: the last step of every command. It writes the reservation to the queryable
 * `reservations` store (keyed by confirmation number), announces `reservation.confirmed` when payment was
 * authorised and `reservation.rejected` when a reservation or a command was refused (sold out, payment
 * failed, invalid request, a transition that makes no sense), and hands bookings and cancellations to the
 * KPI aggregations.
 */
import type { ReservationConfirmed, ReservationRejected } from '../../schemas/generated/types.js';
import type { KeyValueStore } from '../../state/store.js';
import type { Processor, ProcessorContext } from '../../topology/processor.js';
import type { StreamRecord } from '../../topology/record.js';
import { money } from '../domain/money.js';
import { isFinal } from '../domain/reservation-status.js';
import { nightsOf } from '../domain/stay.js';
import { stayNightChangesOf } from './analytics/stay-night-changes.js';
import type { KpiFact } from './booking-kpis.js';
import { STORES } from './config.js';
import { toEventMoney } from './event-values.js';
import { emit, NODES, type Refusal, type Step } from './flow.js';
import { paymentIdOf, type ReservationState } from './reservation-state.js';

/** Store names of the status processor besides `reservations`. */
export const STATUS_STORES = {
  /**
   * `<expiry time, 15 digits>|<confirmation number>` → confirmation number: when each reservation in a
   * final status may be purged, in time order, so a purge reads only what is due.
   */
  expiry: 'reservation-expiry',
} as const;

/** How often final reservations past their retention are purged (stream time). */
const PURGE_INTERVAL_MS = 3_600_000;

/** How many applied event ids a reservation remembers, to recognise replays. */
const REMEMBERED_EVENT_IDS = 32;

/** Creates the status processor. */
export function statusProcessor(retentionMs: number): Processor<string, Step, string, unknown> {
  let context: ProcessorContext<string, unknown>;
  let reservations: KeyValueStore<string, ReservationState>;
  let expiry: KeyValueStore<string, string>;
  return {
    init(ctx) {
      context = ctx;
      reservations = ctx.getStateStore(STORES.reservations);
      expiry = ctx.getStateStore(STATUS_STORES.expiry);
      ctx.schedule(PURGE_INTERVAL_MS, 'STREAM_TIME', (streamTime) => purgeFinal(streamTime));
    },
    process(record: StreamRecord<string, Step>) {
      const step = record.value;
      const { refusal, command } = step;
      const paymentFailed = command.kind === 'PAYMENT_FAILED' && refusal === null;
      const changed = step.state !== null && (refusal === null || refusal.endsReservation);
      if (changed && step.state !== null) {
        const ended = refusal?.endsReservation === true || paymentFailed;
        const stored: ReservationState = {
          ...step.state,
          status: ended ? 'REJECTED' : step.state.status,
          rejection: refusal?.endsReservation
            ? refusal.reason
            : paymentFailed
              ? 'PAYMENT_FAILED'
              : step.state.rejection,
          updatedAt: step.timestamp,
          appliedEventIds: [...step.state.appliedEventIds, step.eventId].slice(-REMEMBERED_EVENT_IDS),
        };
        reservations.put(step.confirmationNumber, stored);
        if (isFinal(stored.status) && !(step.previous !== null && isFinal(step.previous.status))) {
          // Indexed once, when it becomes final; a later change of a final reservation (a voided
          // authorisation) is found by the purge, which checks the stored reservation's own time.
          expiry.put(
            expiryKey(stored.updatedAt + retentionMs, stored.confirmationNumber),
            stored.confirmationNumber,
          );
        }
        const confirmed = confirmedEvent(step, stored);
        if (confirmed !== undefined)
          emit(context, 'reservation.confirmed', step.propertyId, confirmed, step.timestamp);
        const fact = kpiFactOf(step, stored);
        if (fact !== undefined) {
          const stayNights = stayNightChangesOf(step, stored);
          emit(
            context,
            NODES.kpis,
            step.propertyId,
            { ...fact, at: step.timestamp, stayNights },
            step.timestamp,
          );
        }
      }
      if (!changed && refusal !== null && step.previous !== null) {
        // A refused command leaves the reservation as it was but is remembered as decided: a replay of it
        // is recognised, and the system of record knows the API's optimistic write of it is settled.
        reservations.put(step.confirmationNumber, {
          ...step.previous,
          appliedEventIds: [...step.previous.appliedEventIds, step.eventId].slice(-REMEMBERED_EVENT_IDS),
        });
      }
      const rejection = refusal ?? (paymentFailed ? paymentRefusal(step) : null);
      if (rejection !== null) {
        const event: ReservationRejected = {
          eventId: `${step.eventId}:rejected`,
          eventType: 'ReservationRejected',
          occurredAt: step.timestamp,
          confirmationNumber: step.confirmationNumber,
          propertyId: step.propertyId,
          stayDetails:
            'stayDetails' in command.event
              ? command.event.stayDetails
              : (step.previous?.stay ?? UNKNOWN_STAY),
          reason: rejection.reason,
          fullNights: [...rejection.fullNights],
          currentStatus: changed && rejection.endsReservation ? 'REJECTED' : (step.previous?.status ?? null),
          refusedAction: rejection.refusedAction,
          detail: rejection.detail,
        };
        emit(context, 'reservation.rejected', step.propertyId, event, step.timestamp);
      }
    },
  };

  /**
   * Removes reservations that reached a final status more than `retentionMs` of stream time ago: the
   * system of record (Postgres) keeps them; the store keeps what the pipeline may still act on. Reads
   * only the `reservation-expiry` entries due by `streamTime`, never the whole `reservations` store.
   */
  function purgeFinal(streamTime: number): void {
    const due: Array<{ key: string; confirmationNumber: string }> = [];
    const iterator = expiry.range(expiryKey(0, ''), expiryKey(streamTime, '~'));
    try {
      for (const { key, value } of iterator) due.push({ key, confirmationNumber: value });
    } finally {
      iterator.close();
    }
    for (const { key, confirmationNumber } of due) {
      expiry.delete(key);
      const stored = reservations.get(confirmationNumber);
      if (stored === undefined || !isFinal(stored.status)) continue;
      if (stored.updatedAt + retentionMs <= streamTime) {
        reservations.delete(confirmationNumber);
      } else {
        // Changed after it became final: due later, from its last change.
        expiry.put(expiryKey(stored.updatedAt + retentionMs, confirmationNumber), confirmationNumber);
      }
    }
  }
}

/** The `reservation-expiry` key: the due time zero-padded so that keys sort by time. */
function expiryKey(dueAt: number, confirmationNumber: string): string {
  return `${String(Math.max(0, dueAt)).padStart(15, '0')}|${confirmationNumber}`;
}

function paymentRefusal(step: Step): Refusal {
  const failed = step.command.kind === 'PAYMENT_FAILED' ? step.command.event : undefined;
  return {
    reason: 'PAYMENT_FAILED',
    detail: `payment failed: ${failed?.reason ?? 'OTHER'}${failed?.detail ? ` (${failed.detail})` : ''}`,
    fullNights: [],
    refusedAction: null,
    endsReservation: true,
  };
}

/** What the status step tells the KPI aggregations about a command that was applied. */
export function kpiFactOf(step: Step, stored: ReservationState): KpiFact | undefined {
  const roomNights = roomNightsOf(stored);
  if (step.command.kind === 'AUTHORIZED' && !step.voidAuthorization && stored.price !== null) {
    return {
      type: 'BOOKING',
      roomNights,
      revenueMinor: stored.price.roomTotalMinor,
      currency: stored.price.currency,
      sourceEventId: step.eventId,
    };
  }
  if (step.command.kind === 'CANCEL' && stored.price !== null) {
    const wasBooked = step.previous?.status === 'CONFIRMED';
    const feeMinor = stored.cancellation?.feeMinor ?? 0;
    return {
      type: 'CANCELLATION',
      roomNights: wasBooked ? roomNights : 0,
      revenueMinor: wasBooked ? Math.max(0, stored.price.roomTotalMinor - feeMinor) : 0,
      currency: stored.price.currency,
      sourceEventId: step.eventId,
    };
  }
  const previous = step.previous;
  if (step.command.kind === 'MODIFY' && stored.price !== null && previous?.price) {
    // A booking already counted changed: count the difference, in the window of the modification.
    return {
      type: 'MODIFICATION',
      roomNights: roomNights - roomNightsOf(previous),
      revenueMinor: stored.price.roomTotalMinor - previous.price.roomTotalMinor,
      currency: stored.price.currency,
      sourceEventId: step.eventId,
    };
  }
  return undefined;
}

function roomNightsOf(state: ReservationState): number {
  return nightsOf(state.stay.checkInDate, state.stay.checkOutDate).length * state.stay.rooms;
}

/** `reservation.confirmed` for a reservation whose payment was just authorised. */
export function confirmedEvent(step: Step, stored: ReservationState): ReservationConfirmed | undefined {
  if (step.command.kind !== 'AUTHORIZED' || step.voidAuthorization || stored.price === null) return undefined;
  return {
    eventId: `${step.eventId}:confirmed`,
    eventType: 'ReservationConfirmed',
    occurredAt: step.timestamp,
    confirmationNumber: stored.confirmationNumber,
    propertyId: stored.propertyId,
    guestId: stored.guestId,
    stayDetails: stored.stay,
    totalAmount: toEventMoney(money(stored.price.totalMinor, stored.price.currency)),
    paymentId: paymentIdOf(stored.confirmationNumber),
    authorizationCode: step.command.event.authorizationCode,
  };
}

/** The stay of a refusal for a reservation nobody knows (the refused command carried none). */
const UNKNOWN_STAY = Object.freeze({
  checkInDate: '1970-01-01',
  checkOutDate: '1970-01-02',
  nights: 1,
  roomType: '',
  rooms: 1,
  adults: 1,
  children: 0,
});
