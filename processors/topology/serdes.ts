/**
 * Ready-made {@link ReservationSerdes}: Avro through a schema registry for every event topic (production),
 * or JSON everywhere (unit tests with the TopologyTestDriver, where no registry is needed). Internal
 * values are read only by this application, so need no registry: payment requests are JSON in both, the
 * `reservations` store's state its own Avro layout in both (`reservation-state-serde.ts`: the status step
 * reads and writes it on every command, and the unit tests run the layout production runs).
 */
import { avroSerde } from '../../schemas/avro-serde.js';
import { TOPIC_SCHEMAS, type TopicName, type TopicValue } from '../../schemas/generated/topics.js';
import type { SchemaRegistryClient } from '../../schemas/registry/schema-registry-client.js';
import type { Serde } from '../../schemas/serde.js';
import { Serdes } from '../../topology/serdes/index.js';
import type { ReservationSerdes } from './config.js';
import type { PaymentRequest } from './payment-request.js';
import { reservationStateSerde } from './reservation-state-serde.js';

/** JSON for every value, string keys: for unit tests and local experiments. */
export function jsonReservationSerdes(): ReservationSerdes {
  const json = Serdes.json<unknown>();
  return {
    key: Serdes.string(),
    value: <T extends TopicName>(_topic: T) => json as Serde<TopicValue<T>>,
    paymentRequest: Serdes.json<PaymentRequest>(),
    reservationState: reservationStateSerde(),
  };
}

/** Avro (Confluent wire format) for every event topic through `registry`; one serde per topic, cached. */
export function avroReservationSerdes(registry: SchemaRegistryClient): ReservationSerdes {
  const cache = new Map<TopicName, Serde<unknown>>();
  return {
    key: Serdes.string(),
    value<T extends TopicName>(topic: T): Serde<TopicValue<T>> {
      let serde = cache.get(topic);
      if (serde === undefined) {
        serde = avroSerde(TOPIC_SCHEMAS[topic] as never, { registry }) as Serde<unknown>;
        cache.set(topic, serde);
      }
      return serde as Serde<TopicValue<T>>;
    },
    paymentRequest: Serdes.json<PaymentRequest>(),
    reservationState: reservationStateSerde(),
  };
}
