/**
 * The reservation pipeline on the streams library: {@link buildReservationTopology} and its parts, the
 * payment worker that performs the topology's payment requests, and the serdes to run it with.
 */
export * from './booking-kpis.js';
export * from './build-reservation-topology.js';
export * from './config.js';
export * from './event-values.js';
export * from './inventory-store.js';
export * from './payment-request.js';
export * from './payment-worker.js';
export * from './queries.js';
export * from './reservation-state.js';
export * from './serdes.js';
