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
import type { Serde } from '../../schemas/serde.js';
import type { Processor, ProcessorContext, ProcessorSupplier } from '../../topology/processor.js';
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

/**
 * What a reservation processor forwards: a value and where it goes, the name of an output topic or of the
 * next processor node. The topology splits each processor's output by `route` (`KStream.split()`), so the
 * processors say where a record goes without knowing the node names the DSL gives the branches.
 */
export interface Routed {
  readonly route: string;
  readonly value: unknown;
}

/** Forwards `value` to the output topic `topic`, keyed by the property (the partitioning key everywhere). */
export function emit(
  context: ProcessorContext<string, unknown>,
  topic: string,
  propertyId: string,
  value: unknown,
  timestamp: number,
): void {
  const routed: Routed = { route: topic, value };
  context.forward({ key: propertyId, value: routed, timestamp, headers: NO_HEADERS });
}

/** Forwards the step to the processor node `node`. */
export function next(context: ProcessorContext<string, unknown>, node: string, step: Step): void {
  const routed: Routed = { route: node, value: step };
  context.forward({ key: step.propertyId, value: routed, timestamp: step.timestamp, headers: NO_HEADERS });
}

/** A processor of routed values: hands `inner` the value of each {@link Routed} record. */
export function routedTo<V>(
  inner: ProcessorSupplier<string, V, string, unknown>,
): ProcessorSupplier<string, Routed, string, unknown> {
  return () => {
    const processor: Processor<string, V, string, unknown> = inner();
    return {
      init: (context) => processor.init?.(context),
      process: (record) => processor.process({ ...record, value: record.value.value as V }),
      close: () => processor.close?.(),
    };
  };
}

/** Writes the value of each {@link Routed} record with `serde` (the serde of the topic it is routed to). */
export function routedSerde(serde: Serde<unknown>): Serde<Routed> {
  const routed: Serde<Routed> = {
    name: serde.name,
    serialize: (value, context) => serde.serialize(value === null ? null : value.value, context),
    deserialize: (data, context) => ({ route: context.topic, value: serde.deserialize(data, context) }),
  };
  // The Avro serdes look up their writer schema before first use.
  return serde.prepare === undefined ? routed : { ...routed, prepare: (context) => serde.prepare!(context) };
}

/** The event type a command carries, e.g. `ReservationCancelled`, for refusal events. */
export function eventTypeOf(command: Command): string {
  return command.event.eventType;
}
