/**
 * A plain kafkajs client for the application code of `api/`, which still takes one (issue 15: `api/` moves
 * onto the library's Kafka client port separately). Every other Kafka use of the tests goes through the
 * port (`test/support`'s `kafka()`); delete this file once `api/` takes a port client.
 */
import { Kafka, logLevel } from 'kafkajs';
import { endpoints } from '../../support/index.js';

/** A quiet kafkajs client on the stack's brokers, for `api/` classes only. */
export function kafkajsForApi(clientId: string): Kafka {
  return new Kafka({ clientId, brokers: endpoints().kafkaBrokers, logLevel: logLevel.NOTHING });
}
