import type { Consumer, Kafka } from 'kafkajs';

/**
 * A consumer of the API process's own loops (the system-of-record sink, the payment worker). kafkajs waits
 * up to `maxWaitTimeInMs` for a fetch to fill (5 s by default), and `disconnect()` waits for the fetch in
 * flight: with the default, each loop held a SIGTERM up to 5 s, and the process took 7 s to begin closing
 * its streams. Half a second costs an idle consumer two empty fetches a second. `sessionTimeoutMs` is the
 * process's (SESSION_TIMEOUT_MS), so a crashed instance's payments and sink partitions move as fast as its
 * tasks; kafkajs' default is 30 s.
 */
export function sideConsumer(kafka: Kafka, groupId: string, sessionTimeoutMs?: number): Consumer {
  return kafka.consumer({
    groupId,
    allowAutoTopicCreation: false,
    maxWaitTimeInMs: 500,
    ...(sessionTimeoutMs === undefined ? {} : { sessionTimeout: sessionTimeoutMs }),
  });
}
