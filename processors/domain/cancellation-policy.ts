/**
 * Cancellation policy: free until a deadline before check-in, then a fee; the refund is what was paid
 * minus the fee. The deadline is in the property's local time ("48 hours before the 15:00 check-in"),
 * turned into an instant with the zone's offset on that day, so it is exact across daylight saving.
 */
import type { LocalDate } from './local-date.js';
import { divideRounded, type Money, max, min, subtract, times, zero } from './money.js';
import type { Property } from './reference-data.js';
import { zonedInstant } from './timezone.js';

const HOUR_MS = 3_600_000;

/** What is being cancelled, and when. */
export interface CancellationRequest {
  readonly checkIn: LocalDate;
  readonly rooms: number;
  /** Rate of one room for the first night (from the reservation's pricing details). */
  readonly firstNightRate: Money;
  /** The stay's total price. */
  readonly total: Money;
  /** What the guest paid or had authorised, the most that can be refunded. */
  readonly paid: Money;
  /** When the cancellation was made (event time, epoch ms). */
  readonly cancelledAt: number;
}

/** The money side of a cancellation. */
export interface CancellationOutcome {
  /** True when cancelled at or before the deadline: no fee. */
  readonly free: boolean;
  /** The last instant (epoch ms) at which cancelling is free. */
  readonly deadline: number;
  readonly fee: Money;
  /** `max(0, paid - fee)`. */
  readonly refund: Money;
}

/** The instant until which (inclusive) cancelling a stay starting on `checkIn` costs nothing. */
export function cancellationDeadline(property: Property, checkIn: LocalDate): number {
  const checkInInstant = zonedInstant(checkIn, property.checkInTime, property.timeZone);
  return checkInInstant - property.cancellationPolicy.freeUntilHoursBeforeCheckIn * HOUR_MS;
}

/**
 * Fee and refund of a cancellation under the property's policy. The late fee is never more than the
 * stay's total; a percentage fee is rounded half away from zero to a minor unit.
 */
export function cancellationOutcome(property: Property, request: CancellationRequest): CancellationOutcome {
  const deadline = cancellationDeadline(property, request.checkIn);
  const free = request.cancelledAt <= deadline;
  const fee = free ? zero(request.total.currency) : min(lateFee(property, request), request.total);
  const refund = max(subtract(request.paid, fee), zero(request.paid.currency));
  return { free, deadline, fee, refund };
}

function lateFee(property: Property, request: CancellationRequest): Money {
  const policy = property.cancellationPolicy.lateFee;
  switch (policy.type) {
    case 'FIRST_NIGHT':
      return times(request.firstNightRate, request.rooms);
    case 'PERCENT_OF_TOTAL':
      return {
        currency: request.total.currency,
        minor: divideRounded(request.total.minor * policy.percent, 100),
      };
    case 'FULL_STAY':
      return request.total;
  }
}
