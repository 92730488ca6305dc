/**
 * The hotel reservation domain (`processors/`): pure domain logic in `domain/`, the topology that applies
 * it to state stores and events in `topology/`, and coded errors. Nothing in the library imports this.
 */
export * from './domain/index.js';
export * from './errors.js';
export * from './topology/index.js';
