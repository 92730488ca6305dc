import type { GroupConsumer, GroupConsumerOptions } from '../../topology/internal/kafka/consumer.js';
import type { KafkaClient } from '../../topology/internal/kafka/kafka-client.js';

/**
 * A consumer of the API process's own loops (the system-of-record sink, the payment worker, the decision
 * feed), with a plain consumer's settings: read_committed, 1 MiB per partition, a heartbeat every 3 s,
 * a restart after a crash. A fetch waits up to half a second for data (kafkajs' default is 5 s), and
 * `disconnect()` waits for the fetch in flight: with the default, each loop held a SIGTERM up to 5 s, and
 * the process took 7 s to begin closing its streams. Half a second costs an idle consumer two empty
 * fetches a second. `sessionTimeoutMs` is the process's (SESSION_TIMEOUT_MS), so a crashed instance's
 * payments and sink partitions move as fast as its tasks; the default is 30 s.
 */
export function sideConsumer(
  kafka: KafkaClient,
  groupId: string,
  sessionTimeoutMs?: number,
  options: Partial<GroupConsumerOptions> = {},
): GroupConsumer {
  return kafka.groupConsumer({
    groupId,
    maxWaitTimeMs: 500,
    maxBytesPerPartition: 1024 * 1024,
    heartbeatIntervalMs: 3_000,
    readCommitted: true,
    restartOnCrash: true,
    ...(sessionTimeoutMs === undefined ? {} : { sessionTimeoutMs }),
    ...options,
  });
}
