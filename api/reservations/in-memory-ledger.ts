/**
 * A {@link ReservationLedger} in memory, for unit tests of the routes: applies the API's own commands the
 * way the system of record does (optimistically: a cancel makes the reservation CANCELLED) and lets a
 * test play the pipeline's part with {@link InMemoryReservationLedger.decide}.
 */
import type {
  ReservationCreated,
  ReservationModified,
  ReservationStatus,
} from '../../schemas/generated/types.js';
import type { ReservationLedger, ReservationView, StatusChange } from './reservation-view.js';

const STATUS_OF_TOPIC: Readonly<Record<string, ReservationStatus>> = {
  'reservation.created': 'PENDING',
  'reservation.cancelled': 'CANCELLED',
  'reservation.checkin': 'CHECKED_IN',
  'reservation.checkout': 'CHECKED_OUT',
};

/** Reservations in a map. */
export class InMemoryReservationLedger implements ReservationLedger {
  readonly #views = new Map<string, ReservationView>();
  readonly #seen = new Set<string>();

  async get(confirmationNumber: string): Promise<ReservationView | undefined> {
    return this.#views.get(confirmationNumber);
  }

  async record(topic: string, event: { eventId: string; confirmationNumber: string }): Promise<void> {
    if (this.#seen.has(event.eventId)) return;
    this.#seen.add(event.eventId);
    const occurredAt = (event as { occurredAt?: number }).occurredAt ?? 0;
    const eventType = (event as { eventType?: string }).eventType ?? topic;
    if (topic === 'reservation.created') {
      const created = event as ReservationCreated;
      this.#views.set(created.confirmationNumber, {
        confirmationNumber: created.confirmationNumber,
        propertyId: created.propertyId,
        guestId: created.guestDetails.guestId,
        status: 'PENDING',
        stay: created.stayDetails,
        totalAmount: created.pricingDetails.totalAmount,
        detail: null,
        history: [{ eventType, status: 'PENDING', occurredAt, detail: null }],
      });
      return;
    }
    const view = this.#views.get(event.confirmationNumber);
    if (view === undefined) return;
    const status = STATUS_OF_TOPIC[topic] ?? null;
    const stay = topic === 'reservation.modified' ? (event as ReservationModified).stayDetails : view.stay;
    this.#views.set(view.confirmationNumber, {
      ...view,
      stay,
      status: status ?? view.status,
      history: [...view.history, { eventType, status, occurredAt, detail: null }],
    });
  }

  /** Plays the pipeline: sets the status a decision event would set. */
  decide(confirmationNumber: string, status: ReservationStatus, detail: string | null = null): void {
    const view = this.#views.get(confirmationNumber);
    if (view === undefined) throw new Error(`no reservation ${confirmationNumber} to decide`);
    const change: StatusChange = { eventType: 'decision', status, occurredAt: Date.now(), detail };
    this.#views.set(confirmationNumber, { ...view, status, detail, history: [...view.history, change] });
  }
}
