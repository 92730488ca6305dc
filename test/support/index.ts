/**
 * Helpers for integration tests against the real stack (see test/integration/global-setup.ts): where the
 * services are, unique names per test, a quiet client of the library's Kafka client port, test input producers, topic creation, reading a topic back,
 * polling for a condition, and a private Kafka cluster whose brokers a fault test may crash.
 */
export { type KafkaClusterHandle, startKafkaCluster } from '../../stack/private-cluster.js';
export { endpoints } from './endpoints.js';
export {
  type ConsumedRecord,
  createTopics,
  type InputBatch,
  type InputMessage,
  type InputProducer,
  inputProducer,
  kafka,
  outgoingRecords,
  type ReadAllOptions,
  readAll,
  type SentPartition,
  type TestClientConfig,
  type TopicSpec,
} from './kafka.js';
export { uniqueName } from './names.js';
export { type WaitForOptions, waitFor } from './wait-for.js';
