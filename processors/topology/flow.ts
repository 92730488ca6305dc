/**
 * The record that travels between the reservation processors inside one task: the command being applied
 * (one input event), the reservation before and after it, and what each step decided. Processors never
 * mutate it; each forwards a copy with its own part filled in. It never leaves the task (no serde).
 */
import type {
  PaymentAuthorized,
  PaymentFailed,
  RejectionReason,
  ReservationCancelled,
  ReservationCheckedIn,
  ReservationCheckedOut,
  ReservationCreated,
  ReservationModified,
} from '../../schemas/generated/types.js';
import type { ProcessorContext } from '../../topology/processor.js';
import { NO_HEADERS } from '../../topology/record.js';
import type { NightChange } from '../domain/inventory.js';
import type { LocalDate } from '../domain/local-date.js';
import type { ReservationState } from './reservation-state.js';

/** One input event, as the command it carries. */
export type Command =
  | { readonly kind: 'CREATE'; readonly event: ReservationCreated }
  | { readonly kind: 'MODIFY'; readonly event: ReservationModified }
  | { readonly kind: 'CANCEL'; readonly event: ReservationCancelled }
  | { readonly kind: 'CHECK_IN'; readonly event: ReservationCheckedIn }
  | { readonly kind: 'CHECK_OUT'; readonly event: ReservationCheckedOut }
  | { readonly kind: 'AUTHORIZED'; readonly event: PaymentAuthorized }
  | { readonly kind: 'PAYMENT_FAILED'; readonly event: PaymentFailed };

/** Why a command was refused; the status processor turns it into `reservation.rejected`. */
export interface Refusal {
  readonly reason: RejectionReason;
  readonly detail: string;
  readonly fullNights: readonly LocalDate[];
  /** The event type refused (for a command on an existing reservation), e.g. `ReservationCancelled`. */
  readonly refusedAction: string | null;
  /** True when the refusal ends the reservation as REJECTED (a refused creation, a failed payment). */
  readonly endsReservation: boolean;
}

/** A command on its way through the processors. */
export interface Step {
  readonly command: Command;
  readonly eventId: string;
  readonly confirmationNumber: string;
  readonly propertyId: string;
  /** Event time of the input record; stamped on everything the step emits. */
  readonly timestamp: number;
  /** The reservation before the command; null for a new one (or an unknown confirmation number). */
  readonly previous: ReservationState | null;
  /** The reservation after the command; null only when the command is refused for an unknown reservation. */
  readonly state: ReservationState | null;
  /** Inventory counts this command changed (filled by the inventory processor). */
  readonly inventoryChanges: readonly NightChange[];
  /** Set when the command is refused: later steps pass it through untouched. */
  readonly refusal: Refusal | null;
  /** An authorisation arrived for a reservation cancelled meanwhile: the payment step releases it. */
  readonly voidAuthorization: boolean;
}

/** Names of the processor nodes, in the order a step visits them. */
export const NODES = {
  intake: 'reservation-intake',
  inventory: 'inventory',
  pricing: 'pricing',
  payment: 'payment-requests',
  status: 'reservation-status',
  kpis: 'booking-kpis',
  /** Not part of the command chain: fed by the payment worker's captures and refunds. */
  settlement: 'daily-settlement',
} as const;

/** The sink node writing `topic`. */
export function sinkFor(topic: string): string {
  return `sink:${topic}`;
}

/** Forwards `value` to the sink of `topic`, keyed by the property (the partitioning key everywhere). */
export function emit(
  context: ProcessorContext<string, unknown>,
  topic: string,
  propertyId: string,
  value: unknown,
  timestamp: number,
): void {
  context.forward({ key: propertyId, value, timestamp, headers: NO_HEADERS }, sinkFor(topic));
}

/** Forwards the step to the next processor node. */
export function next(context: ProcessorContext<string, unknown>, node: string, step: Step): void {
  context.forward(
    { key: step.propertyId, value: step, timestamp: step.timestamp, headers: NO_HEADERS },
    node,
  );
}

/** The event type a command carries, e.g. `ReservationCancelled`, for refusal events. */
export function eventTypeOf(command: Command): string {
  return command.event.eventType;
}
