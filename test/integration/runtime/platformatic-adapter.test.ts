// A test of the @platformatic/kafka adapter itself on the real broker: admin, idempotent producer, the
// readers without a group (readToEnd, readTopic, the changelog follower). The kafkajs adapter plays the
// other side where this adapter has no counterpart yet (a transactional writer, a group that commits).
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RecordBatch } from '../../../topology/internal/kafka/consumer.js';
import { createKafkaClient } from '../../../topology/internal/kafka/kafkajs/client.js';
import { createPlatformaticKafkaClient } from '../../../topology/internal/kafka/platformatic/client.js';
import type { IncomingRecord, OutgoingRecord } from '../../../topology/internal/kafka/types.js';
import { endpoints, uniqueName, waitFor } from '../../support/index.js';

const logger = pino({ level: 'silent' });
const platformatic = () =>
  createPlatformaticKafkaClient({ clientId: 'platformatic-test', brokers: endpoints().kafkaBrokers, logger });
const kafkajs = () =>
  createKafkaClient({ clientId: 'platformatic-test-kafkajs', brokers: endpoints().kafkaBrokers, logger });

function records(topic: string, count: number, partition?: number): OutgoingRecord[] {
  return Array.from({ length: count }, (_, i) => ({
    topic,
    ...(partition === undefined ? {} : { partition }),
    key: Buffer.from(`k${i}`),
    value: Buffer.from(String(i)),
    timestamp: 1_000 + i,
    headers: { seq: String(i) },
  }));
}

describe('the @platformatic/kafka adapter on the real broker', () => {
  const admin = platformatic().admin();
  beforeAll(() => admin.connect());
  afterAll(() => admin.disconnect());

  it('reaches the cluster, and names an unreachable one', async () => {
    await platformatic().checkConnection(10_000);
    const nowhere = createPlatformaticKafkaClient({ clientId: 'nowhere', brokers: ['127.0.0.1:1'], logger });
    await expect(nowhere.checkConnection(1_500)).rejects.toMatchObject({
      code: 'STRM_ERR_KAFKA_UNREACHABLE',
    });
  });

  it('creates topics idempotently, refuses another partition count, inspects and deletes them', async () => {
    const name = uniqueName('plt-internal');
    const spec = { name, partitions: 3, configs: { 'cleanup.policy': 'compact' } };
    await admin.ensureTopics([spec]);
    await admin.ensureTopics([spec]);
    expect((await admin.partitionCounts([name, uniqueName('absent')])).get(name)).toBe(3);
    expect(await admin.listTopics()).toContain(name);
    await expect(admin.ensureTopics([{ name, partitions: 4 }])).rejects.toMatchObject({
      code: 'STRM_ERR_KAFKA_TOPIC_PARTITIONS_MISMATCH',
    });
    const dlq = `${name}.dlq`;
    await admin.ensureTopics([{ name: dlq, partitions: 1 }]);
    await admin.ensureTopics([{ name: dlq, partitions: 3, anyPartitionCount: true }]);
    expect((await admin.partitionCounts([dlq])).get(dlq)).toBe(1);
    const brokers = await admin.brokerIds();
    const replicas = await admin.partitionReplicas([name]);
    expect(replicas.map((r) => r.partition)).toEqual([0, 1, 2]);
    for (const replica of replicas) expect(brokers).toContain(replica.leader);
    await admin.deleteTopics([name, dlq]);
    await waitFor(async () => !(await admin.listTopics()).includes(name), { description: `${name} deleted` });
  });

  it('produces in order, isolates a record the broker refuses, reports offsets; readTopic reads it back', async () => {
    const topic = uniqueName('plt-records');
    await admin.ensureTopics([{ name: topic, partitions: 2 }]);
    const acknowledged = new Map<number, number>();
    const producer = platformatic().producer({
      chunkSize: 100,
      onAcknowledged: (_topic, partition, last) => acknowledged.set(partition, last),
    });
    await producer.connect();
    const sent = Array.from({ length: 450 }, (_, i) => ({ ...records(topic, 450)[i]!, partition: i % 2 }));
    const tooLarge = { topic, partition: 0, key: null, value: Buffer.alloc(2_000_000), timestamp: 1 };
    const failures = await producer.send([...sent.slice(0, 5), tooLarge, ...sent.slice(5)]);
    expect(failures).toHaveLength(1);
    expect(failures[0]!.record).toBe(tooLarge);
    expect(failures[0]!.error).toMatchObject({ code: 'STRM_ERR_KAFKA_RECORD_TOO_LARGE' });
    const one = await producer.sendOne({
      topic,
      partition: 1,
      key: null,
      value: Buffer.from('one'),
      timestamp: 2,
    });
    await producer.disconnect();
    expect(one).toEqual({ partition: 1, offset: '225' });
    expect(Object.fromEntries(acknowledged)).toEqual({ 0: 224, 1: 224 });
    expect(await admin.watermarks(topic)).toEqual([
      { partition: 0, low: 0, high: 225 },
      { partition: 1, low: 0, high: 226 },
    ]);

    const read = await platformatic().readTopic(topic, {
      readCommitted: false,
      limit: 10_000,
      timeoutMs: 30_000,
    });
    expect(read).toHaveLength(451);
    expect(read.slice(0, 225).map((r) => r.partition)).toEqual(Array(225).fill(0));
    expect(read.slice(0, 225).map((r) => Number(r.value!.toString()))).toEqual(
      Array.from({ length: 225 }, (_, i) => 2 * i),
    );
    expect(read[0]).toMatchObject({ offset: '0', timestamp: 1_000, key: Buffer.from('k0') });
    expect(read[0]!.headers.seq?.toString()).toBe('0');
    expect(
      await platformatic().readTopic(topic, { readCommitted: false, limit: 3, timeoutMs: 30_000 }),
    ).toHaveLength(3);
    expect(
      await platformatic().readTopic(uniqueName('absent'), {
        readCommitted: false,
        limit: 3,
        timeoutMs: 5_000,
      }),
    ).toEqual([]);
  });

  it('puts a keyed record on the partition the Java client and the kafkajs adapter choose', async () => {
    const [mine, theirs] = [uniqueName('plt-keys'), uniqueName('plt-keys-kafkajs')];
    await admin.ensureTopics([
      { name: mine, partitions: 7 },
      { name: theirs, partitions: 7 },
    ]);
    const byPlatformatic = platformatic().producer();
    const byKafkajs = kafkajs().producer();
    await byPlatformatic.connect();
    await byKafkajs.connect();
    expect(await byPlatformatic.send(records(mine, 200))).toEqual([]);
    expect(await byKafkajs.send(records(theirs, 200))).toEqual([]);
    await byPlatformatic.disconnect();
    await byKafkajs.disconnect();
    const placement = async (topic: string) =>
      Object.fromEntries(
        (
          await platformatic().readTopic(topic, { readCommitted: false, limit: 1_000, timeoutMs: 30_000 })
        ).map((r) => [r.key!.toString(), r.partition]),
      );
    const expected = await placement(theirs);
    expect(Object.keys(expected)).toHaveLength(200);
    expect(await placement(mine)).toEqual(expected);
  });

  it('leaves out every aborted transaction when reading read_committed (two aborted ones of one producer in a row)', async () => {
    const topic = uniqueName('plt-aborted');
    await admin.ensureTopics([{ name: topic, partitions: 1 }]);
    const writer = kafkajs().transactionalProducer({ transactionalId: uniqueName('plt-txn') });
    await writer.connect();
    const batch = (from: number) =>
      Array.from({ length: 3 }, (_, i) => ({
        topic,
        partition: 0,
        key: Buffer.from(`k${from + i}`),
        value: Buffer.from(String(from + i)),
        timestamp: 1,
      }));
    await writer.send(batch(0));
    await writer.commit([], 'unused');
    await writer.send(batch(10));
    await writer.abort();
    await writer.send(batch(20));
    await writer.abort();
    await writer.send(batch(30));
    await writer.commit([], 'unused');
    await writer.disconnect();
    const values = async (readCommitted: boolean) =>
      (await platformatic().readTopic(topic, { readCommitted, limit: 1_000, timeoutMs: 30_000 })).map((r) =>
        Number(r.value!.toString()),
      );
    await waitFor(async () => (await values(true)).length === 6, {
      description: 'both committed transactions readable',
    });
    expect(await values(true)).toEqual([0, 1, 2, 30, 31, 32]);
    expect(await values(false)).toEqual([0, 1, 2, 10, 11, 12, 20, 21, 22, 30, 31, 32]);

    // readToEnd (store restoration) reads read_committed by default, up to the last stable offset.
    const [end] = await admin.watermarks(topic);
    const restored: number[] = [];
    const read = await platformatic().readToEnd({
      groupId: uniqueName('plt-restore'),
      partitions: [{ topic, partition: 0, endOffset: end!.high }],
      onBatch: (b) => {
        restored.push(...b.records.map((r) => Number(r.value!.toString())));
      },
    });
    expect(read).toBe(1);
    expect(restored).toEqual([0, 1, 2, 30, 31, 32]);
  });

  it('readToEnd reads each range from its start to its end; empty ranges are not read', async () => {
    const topic = uniqueName('plt-ranges');
    await admin.ensureTopics([{ name: topic, partitions: 3 }]);
    const producer = platformatic().producer();
    await producer.connect();
    await producer.send([...records(topic, 50, 0), ...records(topic, 20, 1)]);
    await producer.disconnect();
    const seen: RecordBatch[] = [];
    const client = platformatic();
    expect(
      await client.readToEnd({
        groupId: uniqueName('plt-r'),
        partitions: [{ topic, partition: 2, endOffset: 0 }],
        onBatch: () => undefined,
      }),
    ).toBe(0);
    const count = await client.readToEnd({
      groupId: uniqueName('plt-r'),
      partitions: [
        { topic, partition: 0, startOffset: 10, endOffset: 40 },
        { topic, partition: 1, endOffset: 20 },
      ],
      onBatch: (batch) => {
        seen.push(batch);
      },
    });
    expect(count).toBe(2);
    const offsets = (partition: number) =>
      seen.filter((b) => b.partition === partition).flatMap((b) => b.records.map((r) => r.offset));
    expect(offsets(0)).toEqual(Array.from({ length: 30 }, (_, i) => 10 + i));
    expect(offsets(1)).toEqual(Array.from({ length: 20 }, (_, i) => i));
  });

  it('the changelog follower follows from its positions, restarts over other partitions, and stops', async () => {
    const topic = uniqueName('plt-follow');
    await admin.ensureTopics([{ name: topic, partitions: 2 }]);
    const producer = platformatic().producer();
    await producer.connect();
    await producer.send([...records(topic, 10, 0), ...records(topic, 10, 1)]);
    const seen: IncomingRecord[] = [];
    const follower = platformatic().changelogFollower({
      groupId: uniqueName('plt-follower'),
      onBatch: (batch) => {
        seen.push(...batch.records);
      },
    });
    await follower.start([{ topic, partition: 0, startOffset: 4 }]);
    await waitFor(() => follower.position(topic, 0) === 10, { description: 'partition 0 read to its end' });
    await producer.send(records(topic, 5, 0));
    await waitFor(() => follower.position(topic, 0) === 15, { description: 'new records followed' });
    expect(seen.map((r) => [r.partition, r.offset])).toEqual(
      Array.from({ length: 11 }, (_, i) => [0, 4 + i]),
    );
    await follower.start([{ topic, partition: 1, startOffset: 8 }]);
    await waitFor(() => follower.position(topic, 1) === 10, { description: 'partition 1 followed' });
    expect(follower.position(topic, 0)).toBeUndefined();
    expect(seen.slice(11).map((r) => [r.partition, r.offset])).toEqual([
      [1, 8],
      [1, 9],
    ]);
    await follower.stop();
    await producer.send(records(topic, 3, 1));
    await producer.disconnect();
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    expect(follower.position(topic, 1)).toBe(10);
    expect(follower.groupId).toBeUndefined();
  });

  it('reads the offsets a group committed', async () => {
    const topic = uniqueName('plt-committed');
    await admin.ensureTopics([{ name: topic, partitions: 2 }]);
    const producer = platformatic().producer();
    await producer.connect();
    await producer.send([...records(topic, 4, 0), ...records(topic, 6, 1)]);
    await producer.disconnect();
    const groupId = uniqueName('plt-group');
    const consumer = kafkajs().groupConsumer({ groupId });
    let consumed = 0;
    await consumer.connect();
    await consumer.run([topic], async (batch, control) => {
      const last = batch.records[batch.records.length - 1]!;
      control.resolveOffset(last.offset);
      await consumer.commit([{ topic, partition: batch.partition, offset: last.offset + 1 }]);
      consumed += batch.records.length;
    });
    await waitFor(() => consumed === 10, { description: '10 records consumed' });
    await consumer.disconnect();
    const committed = await admin.committedOffsets(groupId, [topic, uniqueName('absent')]);
    expect(committed.sort((a, b) => a.partition - b.partition)).toEqual([
      { topic, partition: 0, offset: 4 },
      { topic, partition: 1, offset: 6 },
    ]);
    expect((await admin.groupCommittedOffsets(groupId)).map((c) => c.offset).sort()).toEqual([4, 6]);
    expect(await admin.listGroupIds()).toContain(groupId);
    await admin.deleteGroups([groupId, uniqueName('never-existed')]);
    expect(await admin.listGroupIds()).not.toContain(groupId);
  });
});
