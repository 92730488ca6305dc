/**
 * What the `reservations` store keeps per confirmation number: the reservation's status, its stay, its
 * price and its payment, so that every later event (payment answer, cancellation, modification, check-in)
 * is decided from the partition's own state. Queryable by the API (`GET /reservations/:number`).
 * Holds the payment token (needed to authorise) and never card data.
 */
import type { StayDetails } from '../../schemas/generated/types.js';
import type { LocalDate } from '../domain/local-date.js';
import type { ReservationStatus } from '../domain/reservation-status.js';

/** The price as applied, in minor units of the property's currency. */
export interface AppliedPrice {
  readonly currency: string;
  readonly ratePlan: string;
  /** Per room, per night, in date order. */
  readonly nightly: ReadonlyArray<{
    readonly night: LocalDate;
    readonly multiplierBp: number;
    readonly rateMinor: number;
  }>;
  /** Σ nightly × rooms. */
  readonly roomTotalMinor: number;
  /** Taxes and fees as quoted by the API (they follow local rules the pipeline does not model). */
  readonly taxesMinor: number;
  readonly feesMinor: number;
  /** roomTotal + taxes + fees: what is authorised. */
  readonly totalMinor: number;
}

/** The payment side of a reservation. */
export interface PaymentState {
  readonly paymentId: string;
  readonly authorizedMinor: number;
  readonly authorizationCode: string | null;
  readonly gatewayReference: string | null;
  readonly capturedMinor: number;
  readonly refundedMinor: number;
  /**
   * What a modification made the stay cost beyond the authorised amount; collected at the desk at
   * check-in (the pipeline does not re-authorise). A modification that lowers the price is refunded.
   */
  readonly balanceDueMinor: number;
}

/** The money side of a cancellation. */
export interface CancellationState {
  readonly free: boolean;
  readonly deadline: number;
  readonly feeMinor: number;
  readonly refundMinor: number;
}

/** One reservation, as stored. */
export interface ReservationState {
  readonly confirmationNumber: string;
  readonly propertyId: string;
  readonly guestId: string;
  readonly status: ReservationStatus;
  readonly stay: StayDetails;
  /** Absent when the request was rejected before it was priced. */
  readonly price: AppliedPrice | null;
  readonly paymentToken: string;
  readonly payment: PaymentState | null;
  readonly cancellation: CancellationState | null;
  /** Why the reservation ended REJECTED, when it did. */
  readonly rejection: string | null;
  readonly createdAt: number;
  readonly updatedAt: number;
  /** Event ids applied to this reservation, oldest first (a replayed event is recognised and skipped). */
  readonly appliedEventIds: readonly string[];
}

/** The payment id of a reservation, derived from its confirmation number (one authorisation each). */
export function paymentIdOf(confirmationNumber: string): string {
  return `PAY-${confirmationNumber}`;
}
