/**
 * The baseline: the consume-produce loop a Node developer writes with kafkajs alone. `eachBatch` with the
 * same fetch size as the runtime (64 KiB per partition), an idempotent `acks=all` producer, one awaited
 * `sendBatch` per fetched batch (in chunks of 1,000), then `resolveOffset` and kafkajs' auto-commit.
 */
import { Kafka, logLevel, Partitioners } from 'kafkajs';

/** Records per second from the first fetched batch to the last acknowledged output. */
export async function runRawLoop(options: {
  brokers: ReadonlyArray<string>;
  input: string;
  output: string;
  groupId: string;
  expected: number;
}): Promise<{ records: number; seconds: number }> {
  const kafka = new Kafka({ clientId: 'bench-raw', brokers: [...options.brokers], logLevel: logLevel.ERROR });
  const producer = kafka.producer({
    idempotent: true,
    maxInFlightRequests: 1,
    createPartitioner: Partitioners.DefaultPartitioner,
  });
  const consumer = kafka.consumer({ groupId: options.groupId, maxBytesPerPartition: 64 * 1024 });
  await producer.connect();
  await consumer.connect();
  await consumer.subscribe({ topics: [options.input], fromBeginning: true });
  let started = 0;
  let produced = 0;
  const done = new Promise<number>((resolve) => {
    void consumer.run({
      eachBatchAutoResolve: true,
      eachBatch: async ({ batch, heartbeat }) => {
        if (started === 0) started = performance.now();
        const messages = batch.messages.map((m) => ({ key: m.key, value: m.value, timestamp: m.timestamp }));
        for (let i = 0; i < messages.length; i += 1000) {
          await producer.sendBatch({
            acks: -1,
            topicMessages: [{ topic: options.output, messages: messages.slice(i, i + 1000) }],
          });
        }
        produced += messages.length;
        await heartbeat();
        if (produced >= options.expected) resolve(performance.now());
      },
    });
  });
  const ended = await done;
  await consumer.disconnect();
  await producer.disconnect();
  return { records: produced, seconds: (ended - started) / 1000 };
}
