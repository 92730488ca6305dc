/**
 * Reads a reservation from the `reservations` store of this instance (the caller routed the request to
 * the instance that runs the property's task). The store holds the reservation as the pipeline decided
 * it: status, stay, price and the reason of a rejection. The status history is not kept in the store;
 * it comes from the system of record, which may lag the status by the sink's delay.
 *
 * A reservation the store does not hold is answered from the system of record: one just accepted whose
 * `reservation.created` the topology has not processed yet (the API recorded it there, so a client reads
 * its own booking at once), or a finished one the store dropped after its retention.
 */
import { formatDecimal, money } from '../../processors/domain/money.js';
import { STORES } from '../../processors/topology/config.js';
import { queryReservation } from '../../processors/topology/queries.js';
import type { ReservationState } from '../../processors/topology/reservation-state.js';
import type { ReadOnlyKeyValueStore } from '../../state/store.js';
import type { ReservationReader, ReservationView } from '../reservations/reservation-view.js';
import type { LocalStores } from './store-property-queries.js';

/** Reservations from the local `reservations` store, history from the system of record. */
export class StoreReservationReader {
  readonly #stores: LocalStores;
  readonly #records: ReservationReader;

  /** `records`: the system of record (the Postgres ledger). */
  constructor(stores: LocalStores, records: ReservationReader) {
    this.#stores = stores;
    this.#records = records;
  }

  /** The reservation `confirmationNumber` of property `propertyId`, or `undefined` when nobody knows it. */
  async read(confirmationNumber: string, propertyId: string): Promise<ReservationView | undefined> {
    const store = this.#stores.localStore<ReadOnlyKeyValueStore<string, ReservationState>>(
      STORES.reservations,
      propertyId,
    );
    const state = queryReservation(store, confirmationNumber);
    const recorded = await this.#records.get(confirmationNumber);
    if (state === undefined || state.propertyId !== propertyId) return recorded;
    return {
      confirmationNumber: state.confirmationNumber,
      propertyId: state.propertyId,
      guestId: state.guestId,
      status: state.status,
      stay: state.stay,
      totalAmount:
        state.price === null
          ? null
          : {
              amount: formatDecimal(money(state.price.totalMinor, state.price.currency)),
              currency: state.price.currency,
            },
      // The store keeps why a reservation was rejected; why a later command was refused is in the record.
      detail: state.rejection ?? recorded?.detail ?? null,
      history: recorded?.history ?? [],
    };
  }
}
