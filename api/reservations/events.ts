/**
 * Builds the events the API produces for each command, from the validated request and (for commands on
 * an existing reservation) what the API knows of it. Event ids are random UUIDs unless given: the routes
 * pass the id bound to the request's Idempotency-Key, so a retry produces the very same event. The quoted price is the
 * base rate of each night; the pipeline's pricing re-prices with demand and records `rate.applied`.
 */
import { randomUUID } from 'node:crypto';
import { cancellationOutcome } from '../../processors/domain/cancellation-policy.js';
import { money } from '../../processors/domain/money.js';
import { DEFAULT_PRICING, priceStay } from '../../processors/domain/pricing.js';
import type { Property } from '../../processors/domain/reference-data.js';
import { nightsOf } from '../../processors/domain/stay.js';
import { zonedDate } from '../../processors/domain/timezone.js';
import {
  basisPointsToDecimal,
  fromEventMoney,
  toEventMoney,
} from '../../processors/topology/event-values.js';
import type {
  PricingDetails,
  ReservationCancelled,
  ReservationCheckedIn,
  ReservationCheckedOut,
  ReservationCreated,
  ReservationModified,
  StayDetails,
} from '../../schemas/generated/types.js';
import type { ReservationView } from './reservation-view.js';
import type { CancelReservationBody, CreateReservationBody } from './schemas.js';

/** The base-rate quote of a stay: every night at the room type's base rate, no taxes or fees. */
export function quote(property: Property, stay: StayDetails): PricingDetails {
  const roomType = property.roomTypes.find((r) => r.code === stay.roomType)!;
  const price = priceStay({
    config: DEFAULT_PRICING,
    baseRate: roomType.baseRate,
    capacity: roomType.capacity,
    rooms: stay.rooms,
    nights: nightsOf(stay.checkInDate, stay.checkOutDate).map((night) => ({ night, soldBefore: 0 })),
  });
  const zero = toEventMoney(money(0, property.currency));
  return {
    ratePlan: 'BAR',
    nightlyRates: price.nightly.map((n) => ({
      stayDate: n.night,
      baseRate: toEventMoney(roomType.baseRate),
      demandMultiplier: basisPointsToDecimal(n.multiplierBp),
      rate: toEventMoney(n.rate),
    })),
    roomTotal: toEventMoney(price.total),
    taxes: zero,
    fees: zero,
    totalAmount: toEventMoney(price.total),
  };
}

/** `reservation.created` for a new booking. */
export function reservationCreated(
  property: Property,
  body: CreateReservationBody,
  stay: StayDetails,
  confirmationNumber: string,
  now: number,
  idempotencyKey: string | null,
  eventId: string = randomUUID(),
): ReservationCreated {
  const { guest } = body;
  return {
    eventId,
    eventType: 'ReservationCreated',
    occurredAt: now,
    confirmationNumber,
    propertyId: property.propertyId,
    channel: body.channel ?? 'DIRECT',
    guestDetails: {
      // A guest without a profile id gets one derived from the booking, so the event is complete.
      guestId: guest.guestId ?? `G-${confirmationNumber}`,
      firstName: guest.firstName,
      lastName: guest.lastName,
      email: guest.email,
      phone: guest.phone ?? null,
      loyaltyId: guest.loyaltyId ?? null,
      countryCode: guest.countryCode ?? null,
    },
    stayDetails: stay,
    pricingDetails: quote(property, stay),
    paymentToken: body.paymentToken,
    idempotencyKey,
  };
}

/** `reservation.modified`: the previous stay is released and the new one held in one step. */
export function reservationModified(
  property: Property,
  current: ReservationView,
  stay: StayDetails,
  reason: string | null,
  now: number,
  eventId: string = randomUUID(),
): ReservationModified {
  return {
    eventId,
    eventType: 'ReservationModified',
    occurredAt: now,
    confirmationNumber: current.confirmationNumber,
    propertyId: current.propertyId,
    previousStayDetails: current.stay,
    stayDetails: stay,
    pricingDetails: quote(property, stay),
    reason,
  };
}

/**
 * `reservation.cancelled`, with the fee and refund the policy gives from what the API knows (the
 * pipeline recomputes both from the reservation's applied price and payment, which are authoritative).
 */
export function reservationCancelled(
  property: Property,
  current: ReservationView,
  body: CancelReservationBody | null,
  now: number,
  eventId: string = randomUUID(),
): ReservationCancelled {
  const quoted = quote(property, current.stay);
  const total = current.totalAmount ?? quoted.totalAmount;
  // Event amounts are scale-2 decimals whatever the currency ("88800.00" JPY): read them as such.
  const totalMoney = fromEventMoney(total);
  const firstNight = quoted.nightlyRates[0]?.rate ?? total;
  const paid =
    current.status === 'CONFIRMED' || current.status === 'CHECKED_IN' ? totalMoney : money(0, total.currency);
  const outcome = cancellationOutcome(property, {
    checkIn: current.stay.checkInDate,
    rooms: current.stay.rooms,
    firstNightRate: fromEventMoney(firstNight),
    total: totalMoney,
    paid,
    cancelledAt: now,
  });
  return {
    eventId,
    eventType: 'ReservationCancelled',
    occurredAt: now,
    confirmationNumber: current.confirmationNumber,
    propertyId: current.propertyId,
    stayDetails: current.stay,
    previousStatus: current.status,
    reason: body?.reason ?? 'GUEST_REQUEST',
    freeCancellationDeadline: outcome.deadline,
    withinFreeCancellation: outcome.free,
    cancellationFee: toEventMoney(outcome.fee),
    refundAmount: toEventMoney(outcome.refund),
  };
}

/** `reservation.checkin`, dated today in the property's time zone. */
export function reservationCheckedIn(
  property: Property,
  current: ReservationView,
  roomNumbers: string[],
  now: number,
  eventId: string = randomUUID(),
): ReservationCheckedIn {
  return {
    eventId,
    eventType: 'ReservationCheckedIn',
    occurredAt: now,
    confirmationNumber: current.confirmationNumber,
    propertyId: current.propertyId,
    checkInDate: zonedDate(now, property.timeZone),
    roomNumbers,
  };
}

/** `reservation.checkout`, dated as given or today in the property's time zone. */
export function reservationCheckedOut(
  property: Property,
  current: ReservationView,
  checkOutDate: string | undefined,
  now: number,
  eventId: string = randomUUID(),
): ReservationCheckedOut {
  return {
    eventId,
    eventType: 'ReservationCheckedOut',
    occurredAt: now,
    confirmationNumber: current.confirmationNumber,
    propertyId: current.propertyId,
    checkOutDate: checkOutDate ?? zonedDate(now, property.timeZone),
    finalAmount: null,
  };
}
