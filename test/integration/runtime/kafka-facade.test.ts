// A test of the kafkajs adapter itself: a plain kafkajs admin creates topics the port would wait for.
import { Kafka, logLevel } from 'kafkajs';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createKafkaClient, defaultClientKind } from '../../../topology/internal/kafka/default-client.js';
import type { IncomingRecord } from '../../../topology/internal/kafka/types.js';
import { endpoints, uniqueName, waitFor } from '../../support/index.js';

describe('kafka facade on the real broker', () => {
  const logger = pino({ level: 'silent' });
  const kafka = () =>
    createKafkaClient({ clientId: 'facade-test', brokers: endpoints().kafkaBrokers, logger });
  const admin = kafka().admin();
  beforeAll(() => admin.connect());
  afterAll(() => admin.disconnect());

  it('creates internal topics idempotently and refuses an existing one with another partition count', async () => {
    const name = uniqueName('facade-internal');
    const spec = { name, partitions: 3, configs: { 'cleanup.policy': 'compact' } };
    await admin.ensureTopics([spec]);
    await admin.ensureTopics([spec]);
    expect((await admin.partitionCounts([name, uniqueName('absent')])).get(name)).toBe(3);
    await expect(admin.ensureTopics([{ name, partitions: 4 }])).rejects.toMatchObject({
      code: 'STRM_ERR_KAFKA_TOPIC_PARTITIONS_MISMATCH',
      message: expect.stringContaining(`${name} has 3 partitions but 4 are required`),
    });
  });

  it('accepts an existing dead-letter topic with another partition count, and its records reach it', async () => {
    const source = uniqueName('facade-source');
    const dlq = `${source}.dlq`;
    // Operators often create the .dlq themselves, with one partition, while the source has three.
    await admin.ensureTopics([{ name: dlq, partitions: 1 }]);
    await admin.ensureTopics([{ name: dlq, partitions: 3, anyPartitionCount: true }]);
    expect((await admin.partitionCounts([dlq])).get(dlq)).toBe(1);
    // A missing one is created with the count asked for.
    const created = `${uniqueName('facade-source')}.dlq`;
    await admin.ensureTopics([{ name: created, partitions: 3, anyPartitionCount: true }]);
    expect((await admin.partitionCounts([created])).get(created)).toBe(3);

    // Without a partition the producer's partitioner picks among the topic's real partitions.
    const producer = kafka().producer();
    await producer.connect();
    const failures = await producer.send(
      ['a', 'b', 'c'].map((key, sourcePartition) => ({
        topic: dlq,
        key: Buffer.from(key),
        value: Buffer.from('undecodable'),
        timestamp: 1,
        headers: { 'x-dlq-source-partition': String(sourcePartition) },
      })),
    );
    await producer.disconnect();
    expect(failures).toEqual([]);
    expect(await admin.watermarks(dlq)).toEqual([{ partition: 0, low: 0, high: 3 }]);
  });

  it('reads the watermarks of partitions created a moment ago (no leader serving them yet)', async () => {
    const raw = new Kafka({
      clientId: 'facade-test-raw',
      brokers: endpoints().kafkaBrokers,
      logLevel: logLevel.NOTHING,
    }).admin();
    await raw.connect();
    try {
      for (let round = 0; round < 5; round++) {
        const topic = uniqueName('facade-fresh');
        // Not waiting for leaders: a busy broker answers NOT_LEADER_OR_FOLLOWER to ListOffsets meanwhile,
        // which kafkajs' admin does not retry; the facade does.
        await raw.createTopics({ waitForLeaders: false, topics: [{ topic, numPartitions: 6 }] });
        const marks = await admin.watermarks(topic);
        expect(marks.map((mark) => mark.high)).toEqual([0, 0, 0, 0, 0, 0]);
      }
    } finally {
      await raw.disconnect();
    }
  });

  it('produces in order, isolates a record the broker refuses, and a group member reads and commits', async () => {
    const topic = uniqueName('facade-records');
    await admin.ensureTopics([{ name: topic, partitions: 2 }]);
    const producer = kafka().producer({ chunkSize: 100 });
    await producer.connect();
    const records = Array.from({ length: 450 }, (_, i) => ({
      topic,
      partition: i % 2,
      key: Buffer.from(`k${i}`),
      value: Buffer.from(String(i)),
      timestamp: 1_000 + i,
      headers: { seq: String(i) },
    }));
    // 2 MB is over the broker's default message.max.bytes: only that record comes back as a failure,
    // refused before sending so that no other record is written twice.
    const tooLarge = { topic, partition: 0, key: null, value: Buffer.alloc(2_000_000), timestamp: 1 };
    const failures = await producer.send([...records.slice(0, 5), tooLarge, ...records.slice(5)]);
    expect(failures).toHaveLength(1);
    expect(failures[0]!.record).toBe(tooLarge);
    expect(failures[0]!.error).toMatchObject({ code: 'STRM_ERR_KAFKA_RECORD_TOO_LARGE', retriable: false });
    await producer.disconnect();
    expect((await admin.watermarks(topic)).map((w) => w.high).sort()).toEqual([225, 225]);

    const groupId = uniqueName('facade-group');
    const consumer = kafka().groupConsumer({ groupId });
    const seen: IncomingRecord[] = [];
    const assigned: number[] = [];
    consumer.on('assigned', (partitions) => assigned.push(partitions.length));
    await consumer.connect();
    await consumer.run([topic], async (batch, control) => {
      seen.push(...batch.records);
      const last = batch.records[batch.records.length - 1]!;
      control.resolveOffset(last.offset);
      await consumer.commit([{ topic, partition: batch.partition, offset: last.offset + 1 }]);
      await control.heartbeat();
    });
    await waitFor(() => seen.length === 450, { description: '450 records consumed' });
    await consumer.disconnect();
    expect(assigned).toEqual([2]);
    for (const partition of [0, 1]) {
      const mine = seen.filter((r) => r.partition === partition);
      expect(mine.map((r) => r.offset)).toEqual(Array.from({ length: 225 }, (_, i) => i));
      expect(mine.map((r) => Number(r.value!.toString()))).toEqual(
        Array.from({ length: 225 }, (_, i) => 2 * i + partition),
      );
    }
    const first = seen.find((r) => r.partition === 0 && r.offset === 0)!;
    expect(first).toMatchObject({ timestamp: 1_000, key: Buffer.from('k0') });
    expect(first.headers.seq?.toString()).toBe('0');
    const committed = await admin.committedOffsets(groupId, [topic]);
    expect(committed.map((c) => c.offset)).toEqual([225, 225]);
    expect(await admin.listGroupIds()).toContain(groupId);
  });

  // The fetch linger is kafkajs' (`kafkajs/fetch-linger.ts`); the @platformatic/kafka adapter's fetch loop
  // answers at the first record, as its README says (`npm run test:platformatic` runs this file there).
  it.skipIf(defaultClientKind() === 'platformatic')(
    'lingers while records flow (fewer, fuller batches) and answers the first record after a quiet spell at once',
    async () => {
      const topic = uniqueName('facade-linger');
      await admin.ensureTopics([{ name: topic, partitions: 1 }]);
      const producer = kafka().producer({ chunkSize: 100 });
      await producer.connect();
      const FLOW_MS = 3_000;
      const LINGER_MS = 1_000;
      /** The batches of a 3 s flow (a record every 2 ms) a member sees, and how late a lone record after it came. */
      const consume = async (fetchLinger?: { lingerMs: number; minBytes: number }) => {
        const consumer = kafka().groupConsumer({
          groupId: uniqueName('facade-linger'),
          maxWaitTimeMs: 5_000,
          ...(fetchLinger === undefined ? {} : { fetchLinger }),
        });
        let flowBatches = 0;
        let firstFlowAt = 0;
        let lastFlowAt = 0;
        const arrived = new Map<string, number>();
        let assigned = false;
        consumer.on('assigned', () => {
          assigned = true;
        });
        await consumer.connect();
        await consumer.run(
          [topic],
          async (batch, control) => {
            if (batch.records[0]!.value!.toString().startsWith(`${flowId}-`)) {
              flowBatches++;
              firstFlowAt ||= Date.now();
              lastFlowAt = Date.now();
            }
            for (const record of batch.records) arrived.set(record.value!.toString(), Date.now());
            control.resolveOffset(batch.records[batch.records.length - 1]!.offset);
          },
          new Set([topic]),
        );
        await waitFor(() => assigned, { description: 'the member assigned' });
        // A quiet second so that the member's fetch is waiting when the flow starts.
        await new Promise((resolve) => setTimeout(resolve, 1_000));
        // Sent without waiting for each acknowledgement, so records reach the broker in small groups
        // however slow the machine is.
        const sends: Promise<unknown>[] = [];
        const flowEnd = Date.now() + FLOW_MS;
        for (let i = 0; Date.now() < flowEnd; i++) {
          sends.push(
            producer.send([
              { topic, partition: 0, key: null, value: Buffer.from(`${flowId}-${i}`), timestamp: Date.now() },
            ]),
          );
          await new Promise((resolve) => setTimeout(resolve, 2));
        }
        await Promise.all(sends);
        // Quiet for longer than the linger: the member's next fetch asks for the first record only.
        await new Promise((resolve) => setTimeout(resolve, LINGER_MS + 2_000));
        const sent = Date.now();
        await producer.send([
          { topic, partition: 0, key: null, value: Buffer.from('alone'), timestamp: sent },
        ]);
        await waitFor(() => arrived.has('alone'), { description: 'the record after the quiet spell' });
        await consumer.disconnect();
        flowId++;
        return { flowBatches, flowSpanMs: lastFlowAt - firstFlowAt, alone: arrived.get('alone')! - sent };
      };
      let flowId = 0;
      const plain = await consume();
      const lingering = await consume({ lingerMs: LINGER_MS, minBytes: 100_000_000 });
      await producer.disconnect();
      console.log(
        `fetch linger: flow batches ${plain.flowBatches} plain, ${lingering.flowBatches} lingering over ${lingering.flowSpanMs} ms; lone record after ${plain.alone} / ${lingering.alone} ms`,
      );
      // While records flow each lingering fetch waits the whole second (its minimum is never reached): the
      // flow (3 s, longer on a slow machine) comes in about one batch a second, where a plain member fetches
      // at every group of records.
      expect(lingering.flowBatches).toBeLessThanOrEqual(Math.ceil(lingering.flowSpanMs / LINGER_MS) + 2);
      expect(plain.flowBatches).toBeGreaterThan(lingering.flowBatches);
      // After the quiet spell the lingering member asks for one byte again: the lone record is answered at
      // once, not after the linger (1 s) or the maximum wait (5 s).
      expect(lingering.alone).toBeLessThan(LINGER_MS * 0.7);
      expect(plain.alone).toBeLessThan(LINGER_MS * 0.7);
    },
  );

  it('inspects the cluster: broker ids, partition replicas; deletes topics within a given time', async () => {
    const topic = uniqueName('facade-inspect');
    await admin.ensureTopics([{ name: topic, partitions: 2 }]);
    const brokers = await admin.brokerIds();
    expect(brokers.length).toBeGreaterThan(0);
    const replicas = await admin.partitionReplicas([topic]);
    expect(replicas.map((r) => [r.topic, r.partition]).sort()).toEqual([
      [topic, 0],
      [topic, 1],
    ]);
    for (const replica of replicas) {
      expect(brokers).toContain(replica.leader);
      expect(replica.replicas).toContain(replica.leader);
      expect(replica.isr).toContain(replica.leader);
    }
    await admin.deleteTopics([topic], { timeoutMs: 30_000 });
    await waitFor(async () => !(await admin.listTopics()).includes(topic), {
      description: `${topic} deleted`,
    });
  });
});
