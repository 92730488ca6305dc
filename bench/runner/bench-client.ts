/**
 * The Kafka client of the benchmark runner (topics, load driver, status observer, lag sampler): the
 * library's Kafka client port, so that the runner measures with whichever client adapter the library uses.
 * Only the raw-client peer loop (`bench/peers/raw-kafkajs/`) talks to kafkajs itself.
 */
import pino from 'pino';
import { createKafkaClient } from '../../topology/internal/kafka/default-client.js';
import type { KafkaClient } from '../../topology/internal/kafka/kafka-client.js';

/** A client on `brokers` that logs the client's errors only (`level`: `silent` for none). */
export function benchKafka(
  clientId: string,
  brokers: ReadonlyArray<string>,
  level: 'error' | 'silent' = 'error',
): KafkaClient {
  return createKafkaClient({ clientId, brokers, logger: pino({ name: clientId, level }) });
}
