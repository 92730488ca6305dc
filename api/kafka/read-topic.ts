/**
 * Reads a topic from its start to its end as of the call, with a throw-away consumer group (kafkajs has
 * no manual assignment), for operator tools: listing dead letters. Not for the hot path.
 */
import { randomUUID } from 'node:crypto';
import type { IHeaders, Kafka } from 'kafkajs';

/** A record read back. */
export interface ReadRecord {
  readonly partition: number;
  readonly offset: string;
  readonly timestamp: number;
  readonly key: Buffer | null;
  readonly value: Buffer | null;
  readonly headers: IHeaders;
}

/**
 * Every record of `topic` up to its current end (at most `limit`), in partition and offset order.
 * Reading has no side effects, so a failure (a new group meeting a coordinator still loading) is retried
 * with a fresh group, three tries in all.
 */
export async function readTopic(
  kafka: Kafka,
  topic: string,
  options: { limit?: number; timeoutMs?: number } = {},
): Promise<ReadRecord[]> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await readOnce(kafka, topic, options);
    } catch (error) {
      if (attempt >= 3) throw error;
      await new Promise((resolve) => setTimeout(resolve, 250 * attempt));
    }
  }
}

async function readOnce(
  kafka: Kafka,
  topic: string,
  options: { limit?: number; timeoutMs?: number } = {},
): Promise<ReadRecord[]> {
  const admin = kafka.admin();
  await admin.connect();
  const groupId = `tstreams-read-${randomUUID()}`;
  try {
    const existing = await admin.listTopics();
    if (!existing.includes(topic)) return [];
    const ends = await admin.fetchTopicOffsets(topic);
    const pending = new Map<number, bigint>();
    for (const end of ends) {
      if (BigInt(end.high) > BigInt(end.low)) pending.set(end.partition, BigInt(end.high) - 1n);
    }
    if (pending.size === 0) return [];
    const limit = options.limit ?? Number.POSITIVE_INFINITY;
    const records: ReadRecord[] = [];
    const consumer = kafka.consumer({ groupId, allowAutoTopicCreation: false });
    let finish: () => void = () => undefined;
    const finished = new Promise<void>((resolve) => {
      finish = resolve;
    });
    // Batch-end events also cover batches of only markers, so a partition's end is always seen.
    consumer.on(consumer.events.END_BATCH_PROCESS, ({ payload }) => {
      const last = pending.get(payload.partition);
      if (last !== undefined && payload.lastOffset !== null && BigInt(payload.lastOffset) >= last) {
        pending.delete(payload.partition);
        if (pending.size === 0) finish();
      }
    });
    await consumer.connect();
    try {
      await consumer.subscribe({ topic, fromBeginning: true });
      await consumer.run({
        autoCommit: false,
        eachMessage: async ({ partition, message }) => {
          const last = pending.get(partition);
          if (last !== undefined && BigInt(message.offset) > last) return;
          records.push({
            partition,
            offset: message.offset,
            timestamp: Number(message.timestamp),
            key: message.key,
            value: message.value,
            headers: message.headers ?? {},
          });
          if (records.length >= limit) finish();
        },
      });
      let timer: NodeJS.Timeout | undefined;
      const timeoutMs = options.timeoutMs ?? 30_000;
      await Promise.race([
        finished,
        new Promise<never>((_, reject) => {
          timer = setTimeout(
            () => reject(new Error(`reading ${topic} did not finish in ${timeoutMs} ms`)),
            timeoutMs,
          );
        }),
      ]).finally(() => clearTimeout(timer));
    } finally {
      await consumer.disconnect();
    }
    await admin.deleteGroups([groupId]).catch(() => undefined);
    return records
      .sort((a, b) => a.partition - b.partition || Number(BigInt(a.offset) - BigInt(b.offset)))
      .slice(0, limit);
  } finally {
    await admin.disconnect();
  }
}
