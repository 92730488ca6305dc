/**
 * The client the runtime uses when the application gives it only brokers and security settings: the
 * kafkajs adapter, unless `StreamsConfig.client` (or, for a whole process such as a test run, the
 * environment variable `STREAMS_KAFKA_CLIENT`) names `platformatic`. The one place that imports the
 * adapters outside their folders.
 */
import type { KafkaClient, KafkaClientOptions } from './kafka-client.js';
import { createKafkaClient as createKafkajsClient } from './kafkajs/client.js';
import { createPlatformaticKafkaClient } from './platformatic/client.js';

/** The client adapters: kafkajs 2.2.4 (the default) and @platformatic/kafka 2.12. */
export type KafkaClientKind = 'kafkajs' | 'platformatic';

export const KAFKA_CLIENT_KINDS: ReadonlyArray<KafkaClientKind> = ['kafkajs', 'platformatic'];

/** The default adapter: `STREAMS_KAFKA_CLIENT` when it names one, else kafkajs. */
export function defaultClientKind(): KafkaClientKind {
  const named = process.env.STREAMS_KAFKA_CLIENT;
  return named === 'platformatic' ? 'platformatic' : 'kafkajs';
}

/** A client of the port on the adapter `kind` (default {@link defaultClientKind}). */
export function createKafkaClient(
  options: KafkaClientOptions,
  kind: KafkaClientKind = defaultClientKind(),
): KafkaClient {
  return kind === 'platformatic' ? createPlatformaticKafkaClient(options) : createKafkajsClient(options);
}
