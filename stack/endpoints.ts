/** Where each service of the stack answers, and what it is; what tests and `npm start` are given. */
export interface StackEndpoints {
  /** Kafka bootstrap servers, `host:port`. */
  readonly kafkaBrokers: string[];
  /** The registry's Confluent-compatible API, e.g. `http://127.0.0.1:8081/apis/ccompat/v7`. */
  readonly schemaRegistryUrl: string;
  readonly databaseUrl: string;
  readonly redisUrl: string;
  /** The Kafka release of the local cluster, or `external` when `KAFKA_BROKERS` names one. */
  readonly kafkaVersion: string;
  /** `local` when the stack runs the service, `env` when an environment variable names it. */
  readonly kafkaSource: 'local' | 'env';
  readonly registrySource: 'local' | 'env';
}
