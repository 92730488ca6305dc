import type { KafkaConfig, RecordMetadata } from 'kafkajs';
import { kafka } from '../../support/index.js';
import type { Order } from './region-totals.js';

/** Sends region-totals orders, keyed by order id, acknowledged by every in-sync replica. */
export interface OrdersProducer {
  send(topic: string, orders: ReadonlyArray<{ id: string; order: Order }>): Promise<RecordMetadata[]>;
  disconnect(): Promise<void>;
}

/**
 * A connected orders producer for fault tests on a private cluster. Idempotent with one request in flight:
 * kafkajs retries a batch whose answer was lost (a fresh broker, a broker dying or moving leaders), and
 * without idempotence the broker would write that batch twice and the exact totals could not hold.
 * `config` overrides the client's settings, e.g. longer retries.
 */
export async function connectOrdersProducer(
  brokers: string[],
  clientId: string,
  config: Partial<KafkaConfig> = {},
): Promise<OrdersProducer> {
  const producer = kafka({ ...config, brokers, clientId }).producer({
    idempotent: true,
    maxInFlightRequests: 1,
  });
  await producer.connect();
  return {
    send: (topic, orders) =>
      producer.send({
        topic,
        acks: -1,
        messages: orders.map(({ id, order }) => ({ key: id, value: JSON.stringify(order) })),
      }),
    disconnect: () => producer.disconnect(),
  };
}
