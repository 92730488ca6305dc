/**
 * The reservation domain as pure logic, independent of the streams library: reference data, stay
 * arithmetic, inventory and overbooking decisions, dynamic pricing, the cancellation policy, the status
 * state machine, payment (gateway, simulator, retry, circuit breaker), KPI arithmetic and confirmation
 * numbers. The processors in `processors/topology/` apply these decisions to state stores and events.
 */
export * from './cancellation-policy.js';
export * from './card-token.js';
export * from './confirmation-number.js';
export * from './inventory.js';
export * from './kpis.js';
export * from './local-date.js';
export * from './money.js';
export * from './payment/circuit-breaker.js';
export * from './payment/gateway.js';
export * from './payment/resilient-gateway.js';
export * from './payment/retry.js';
export * from './payment/seeded-random.js';
export * from './payment/simulated-gateway.js';
export * from './payment/simulator-ledger.js';
export * from './pricing.js';
export * from './reference-data.js';
export * from './reference-data-loader.js';
export * from './reservation-status.js';
export * from './stay.js';
export * from './stay-rules.js';
export * from './timezone.js';
