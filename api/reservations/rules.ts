/**
 * Business rules a request must meet before anything is produced: the property and room type exist in
 * the reference data, the dates are in order and the stay length and room count are within bounds, the
 * party fits the rooms, the stay does not start in the past nor end beyond the booking horizon, a check-in
 * or check-out is dated within the stay's window (`processors/domain/stay-rules.ts`), and no card number
 * hides in the token. A broken rule is a {@link BusinessRuleError} (422) naming the field and the rule;
 * the pipeline checks the same rules again (it never trusts its input), this is so the client hears about
 * it at once.
 */
import { looksLikeCardNumber } from '../../processors/domain/card-token.js';
import { addDays, compareDates, utcDateOf } from '../../processors/domain/local-date.js';
import type { PropertyCatalog, RoomType } from '../../processors/domain/reference-data.js';
import { checkStay, type StayLimits } from '../../processors/domain/stay.js';
import {
  type BookedDates,
  checkInBreach,
  checkOutBreach,
  horizonBreach,
  type StayRuleBreach,
} from '../../processors/domain/stay-rules.js';
import type { StayDetails } from '../../schemas/generated/types.js';
import { BusinessRuleError } from '../errors.js';

/** The stay parts of a request, already validated by the JSON schema. */
export interface StayRequest {
  readonly propertyId: string;
  readonly roomType: string;
  readonly checkInDate: string;
  readonly checkOutDate: string;
  readonly rooms: number;
  readonly adults: number;
  readonly children: number;
}

/**
 * Checks a requested stay against the reference data and the limits; returns the event's `StayDetails`.
 * `now` decides "the past": a check-in before yesterday (UTC) is refused, which leaves room for every
 * time zone's "today".
 */
export function checkStayRequest(
  catalog: PropertyCatalog,
  limits: StayLimits,
  request: StayRequest,
  now: number,
): StayDetails {
  if (!catalog.has(request.propertyId)) {
    const known = catalog
      .all()
      .map((p) => p.propertyId)
      .join(', ');
    throw new BusinessRuleError(`propertyId ${request.propertyId} is not a known property; known: ${known}`, {
      field: 'propertyId',
    });
  }
  const property = catalog.property(request.propertyId);
  const roomType: RoomType | undefined = property.roomTypes.find((r) => r.code === request.roomType);
  if (roomType === undefined) {
    throw new BusinessRuleError(
      `property ${property.propertyId} has no room type ${request.roomType}; it has ${property.roomTypes.map((r) => r.code).join(', ')}`,
      { field: 'roomType' },
    );
  }
  const checked = checkStay(request.checkInDate, request.checkOutDate, request.rooms, limits);
  if (!checked.ok) {
    const field =
      checked.problem.code === 'INVALID_ROOMS'
        ? 'rooms'
        : checked.problem.code === 'INVALID_DATE'
          ? 'checkInDate'
          : 'checkOutDate';
    throw new BusinessRuleError(checked.problem.message, { field, rule: checked.problem.code });
  }
  const earliest = addDays(utcDateOf(now), -1);
  if (compareDates(request.checkInDate, earliest) < 0) {
    throw new BusinessRuleError(`checkInDate ${request.checkInDate} is in the past`, {
      field: 'checkInDate',
      rule: 'CHECK_IN_IN_PAST',
    });
  }
  refuse(horizonBreach(request.checkOutDate, utcDateOf(now)), 'checkOutDate');
  const guests = request.adults + request.children;
  if (guests > roomType.maxGuests * request.rooms) {
    throw new BusinessRuleError(
      `${guests} guests do not fit ${request.rooms} room(s) of type ${roomType.code} (at most ${roomType.maxGuests} per room); book more rooms`,
      { field: 'adults', rule: 'TOO_MANY_GUESTS' },
    );
  }
  return {
    checkInDate: request.checkInDate,
    checkOutDate: request.checkOutDate,
    nights: checked.stay.nights.length,
    roomType: request.roomType,
    rooms: request.rooms,
    adults: request.adults,
    children: request.children,
  };
}

/** Refuses a raw card number sent as a payment token, without echoing it. */
export function checkPaymentToken(token: string): void {
  if (looksLikeCardNumber(token)) {
    throw new BusinessRuleError(
      'paymentToken looks like a raw card number; send the token your payment vault issued, never card data',
      { field: 'paymentToken', rule: 'RAW_CARD_DATA' },
    );
  }
}

/** Refuses a check-in dated `date` (today at the property) outside the window of `stay`. */
export function checkCheckIn(stay: BookedDates, date: string): void {
  refuse(checkInBreach(stay, date), 'checkInDate');
}

/** Refuses a check-out dated `date` before the arrival or after the booked check-out of `stay`. */
export function checkCheckOut(stay: BookedDates, date: string): void {
  refuse(checkOutBreach(stay, date), 'checkOutDate');
}

function refuse(breach: StayRuleBreach | undefined, field: string): void {
  if (breach === undefined) return;
  throw new BusinessRuleError(`${breach.rule}: ${breach.message}`, { field, rule: breach.rule });
}
