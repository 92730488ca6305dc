/**
 * What the API knows about a reservation: its property, stay, status and status history, as the system
 * of record (or, for `GET /reservations/:n` with the streams in-process, the owning instance's state
 * store) reports it. Commands need it to key their event by the property and to carry the previous stay.
 */
import type { ReservationStatus, StayDetails } from '../../schemas/generated/types.js';

/** One step of a reservation's history. */
export interface StatusChange {
  readonly eventType: string;
  /** The status after the event, when it set one. */
  readonly status: ReservationStatus | null;
  readonly occurredAt: number;
  readonly detail: string | null;
}

/** A reservation as the API sees it. */
export interface ReservationView {
  readonly confirmationNumber: string;
  readonly propertyId: string;
  readonly guestId: string;
  readonly status: ReservationStatus;
  readonly stay: StayDetails;
  /** The quoted or confirmed total, when known. */
  readonly totalAmount: { readonly amount: string; readonly currency: string } | null;
  /** Why the last command was refused or the reservation rejected, when one was. */
  readonly detail: string | null;
  /** Oldest first. */
  readonly history: readonly StatusChange[];
}

/**
 * Reads reservations. The Postgres implementation reads the system of record; the store-backed read
 * (`queries/store-reservation-reader.ts`, with routing to the instance that owns the property) serves
 * `GET /reservations/:n` when the streams run in the process.
 */
export interface ReservationReader {
  /** The reservation, or `undefined` when no instance knows it (yet). */
  get(confirmationNumber: string): Promise<ReservationView | undefined>;
}

/** A reader that also records the API's own accepted commands, so a client reads its writes at once. */
export interface ReservationLedger extends ReservationReader {
  /**
   * Applies an event the API just produced, exactly as the sink will when it consumes it (same event id,
   * so the sink's later upsert changes nothing).
   */
  record(
    topic: string,
    event: { readonly eventId: string; readonly confirmationNumber: string },
  ): Promise<void>;
}
