import type { Consumer, Kafka } from 'kafkajs';

/**
 * A consumer of the API process's own loops (the system-of-record sink, the payment worker). kafkajs waits
 * up to `maxWaitTimeInMs` for a fetch to fill (5 s by default), and `disconnect()` waits for the fetch in
 * flight: with the default, each loop held a SIGTERM up to 5 s, and the process took 7 s to begin closing
 * its streams. Half a second costs an idle consumer two empty fetches a second.
 */
export function sideConsumer(kafka: Kafka, groupId: string): Consumer {
  return kafka.consumer({ groupId, allowAutoTopicCreation: false, maxWaitTimeInMs: 500 });
}
