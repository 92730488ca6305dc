/**
 * Helpers for integration tests against the real stack (see test/integration/global-setup.ts): where the
 * services are, unique names per test, a quiet kafkajs client, topic creation, reading a topic back and
 * polling for a condition.
 */
export { endpoints } from './endpoints.js';
export {
  type ConsumedRecord,
  createTopics,
  kafka,
  type ReadAllOptions,
  readAll,
  type TopicSpec,
} from './kafka.js';
export { uniqueName } from './names.js';
export { type WaitForOptions, waitFor } from './wait-for.js';
