/**
 * Helpers for integration tests against the real stack (see test/integration/global-setup.ts): where the
 * services are, unique names per test, a quiet kafkajs client, topic creation, reading a topic back,
 * polling for a condition, and a private Kafka cluster whose brokers a fault test may crash.
 */
export { type KafkaClusterHandle, startKafkaCluster } from '../../stack/private-cluster.js';
export { endpoints } from './endpoints.js';
export {
  type ConsumedRecord,
  createTopics,
  inputProducer,
  kafka,
  type ReadAllOptions,
  readAll,
  type TopicSpec,
} from './kafka.js';
export { uniqueName } from './names.js';
export { type WaitForOptions, waitFor } from './wait-for.js';
