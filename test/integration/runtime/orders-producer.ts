import { inputProducer, type TestClientConfig } from '../../support/index.js';
import type { Order } from './region-totals.js';

/** Sends region-totals orders, keyed by order id, acknowledged by every in-sync replica. */
export interface OrdersProducer {
  send(topic: string, orders: ReadonlyArray<{ id: string; order: Order }>): Promise<void>;
  disconnect(): Promise<void>;
}

/**
 * A connected orders producer for fault tests on a private cluster. Idempotent with one request in flight
 * (test/support's `inputProducer`): the client retries a batch whose answer was lost (a fresh broker, a
 * broker dying or moving leaders), and without idempotence the broker would write that batch twice and the
 * exact totals could not hold. `config` overrides the client's settings, e.g. more retries.
 */
export async function connectOrdersProducer(
  brokers: string[],
  clientId: string,
  config: TestClientConfig = {},
): Promise<OrdersProducer> {
  const producer = inputProducer({ ...config, brokers, clientId });
  await producer.connect();
  return {
    async send(topic, orders) {
      await producer.send({
        topic,
        messages: orders.map(({ id, order }) => ({ key: id, value: JSON.stringify(order) })),
      });
    },
    disconnect: () => producer.disconnect(),
  };
}
