import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createKafkaClient } from '../../../topology/internal/kafka/default-client.js';
import type { OutgoingRecord } from '../../../topology/internal/kafka/types.js';
import { endpoints, readAll, uniqueName, waitFor } from '../../support/index.js';

const logger = pino({ level: 'silent' });
const kafka = () => createKafkaClient({ clientId: 'txn-test', brokers: endpoints().kafkaBrokers, logger });

function records(topic: string, from: number, count: number): OutgoingRecord[] {
  return Array.from({ length: count }, (_, i) => ({
    topic,
    partition: 0,
    key: Buffer.from(`k${from + i}`),
    value: Buffer.from(String(from + i)),
    timestamp: 1_000 + from + i,
  }));
}

/**
 * The records of `topic` once at least `count` are readable: EndTxn answers before the broker has written
 * the transaction's markers, and a read ends at the last stable offset.
 */
function readAtLeast(topic: string, isolation: 'read_committed' | 'read_uncommitted', count: number) {
  return waitFor(
    async () => {
      const records = await readAll(topic, { isolation });
      return records.length >= count ? records : undefined;
    },
    { timeoutMs: 30_000, description: `${count} records of ${topic} read ${isolation}` },
  );
}

describe('transactional producer (exactly-once) on the real broker', () => {
  const admin = kafka().admin();
  beforeAll(() => admin.connect());
  afterAll(() => admin.disconnect());

  it('never shows an aborted transaction to read_committed readers; the changelog reader skips it and its markers', async () => {
    const topic = uniqueName('txn-out');
    await admin.ensureTopics([{ name: topic, partitions: 1 }]);
    const producer = kafka().transactionalProducer({ transactionalId: uniqueName('txn-a') });
    await producer.connect();
    try {
      expect(await producer.send(records(topic, 0, 5))).toEqual([]);
      await producer.commit([], 'unused-group');
      await producer.send(records(topic, 5, 7));
      await producer.abort();
      await producer.send(records(topic, 12, 3));
      await producer.commit([], 'unused-group');
    } finally {
      await producer.disconnect();
    }
    const committed = await readAtLeast(topic, 'read_committed', 8);
    expect(committed.map((record) => Number(record.value!.toString()))).toEqual([0, 1, 2, 3, 4, 12, 13, 14]);
    // The aborted records are in the log all the same: a read_uncommitted reader sees them.
    const everything = await readAtLeast(topic, 'read_uncommitted', 15);
    expect(everything).toHaveLength(15);

    // The restore path: reading up to the last stable offset ends although the log ends in a marker.
    const [mark] = await admin.watermarks(topic);
    const restored: number[] = [];
    await kafka().readToEnd({
      groupId: uniqueName('txn-restore'),
      partitions: [{ topic, partition: 0, endOffset: mark!.high }],
      onBatch: (batch) => {
        for (const record of batch.records) restored.push(Number(record.value!.toString()));
      },
    });
    expect(restored).toEqual([0, 1, 2, 3, 4, 12, 13, 14]);
  });

  it('commits a backlog of large records to one partition: requests stay under the broker limit', async () => {
    // 1,000 records of 2 KB for one partition: a single request by record count alone (2 MB, one
    // partition batch) was refused as MESSAGE_TOO_LARGE, and a task catching up aborted again and again.
    const topic = uniqueName('txn-large');
    await admin.ensureTopics([{ name: topic, partitions: 1 }]);
    const producer = kafka().transactionalProducer({ transactionalId: uniqueName('txn-large') });
    await producer.connect();
    const large = records(topic, 0, 1_000).map((record) => ({
      ...record,
      value: Buffer.concat([record.value!, Buffer.alloc(2_000, 0x20)]),
    }));
    try {
      expect(await producer.send(large)).toEqual([]);
      await producer.commit([], 'unused-group');
    } finally {
      await producer.disconnect();
    }
    const committed = await readAtLeast(topic, 'read_committed', 1_000);
    expect(committed.map((record) => Number(record.value!.toString().trim()))).toEqual(
      Array.from({ length: 1_000 }, (_, i) => i),
    );
  });

  it('fences an older producer with the same transactional id: its open transaction is aborted and its commit refused', async () => {
    const topic = uniqueName('txn-zombie');
    await admin.ensureTopics([{ name: topic, partitions: 1 }]);
    const transactionalId = uniqueName('txn-task');
    const zombie = kafka().transactionalProducer({ transactionalId });
    await zombie.connect();
    await zombie.send(records(topic, 0, 4));
    const successor = kafka().transactionalProducer({ transactionalId });
    await successor.connect();
    try {
      await expect(zombie.commit([], 'unused-group')).rejects.toMatchObject({
        code: 'STRM_ERR_KAFKA_PRODUCER_FENCED',
        retriable: true,
      });
      await successor.send(records(topic, 100, 2));
      await successor.commit([], 'unused-group');
    } finally {
      await successor.disconnect();
      await zombie.disconnect().catch(() => undefined);
    }
    const committed = await readAll(topic, { isolation: 'read_committed' });
    expect(committed.map((record) => Number(record.value!.toString()))).toEqual([100, 101]);
  });
});
