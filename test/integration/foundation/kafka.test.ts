import { type Admin, Kafka, logLevel } from 'kafkajs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTopics, endpoints, inputProducer, readAll, uniqueName } from '../../support/index.js';

// Proves the broker is real: records travel through it, and its transactions commit and abort as
// exactly-once processing will need them to. It asks the broker with a plain kafkajs client of its own
// (not the library's client port), so that what it proves does not rest on the library.
const kafka = () =>
  new Kafka({ clientId: 'integration-test', brokers: endpoints().kafkaBrokers, logLevel: logLevel.NOTHING });

describe('Kafka broker', () => {
  let admin: Admin;

  beforeAll(async () => {
    admin = kafka().admin();
    await admin.connect();
    const cluster = await admin.describeCluster();
    console.log(
      `Talking to Kafka ${endpoints().kafkaVersion} at ${endpoints().kafkaBrokers.join(',')}: cluster ` +
        `${cluster.clusterId}, ${cluster.brokers.length} broker(s), controller node ${cluster.controller}`,
    );
  });

  afterAll(async () => {
    await admin?.disconnect();
  });

  it('reports a cluster with at least one broker and an active controller', async () => {
    const cluster = await admin.describeCluster();
    expect(cluster.brokers.length).toBeGreaterThanOrEqual(1);
    expect(cluster.brokers.map((broker) => broker.nodeId)).toContain(cluster.controller);
    expect(cluster.clusterId).toMatch(/^[A-Za-z0-9_-]{22}$/);
  });

  it('produces records and reads them back with keys, headers and per-key partitioning', async () => {
    const [topic] = await createTopics([{ topic: uniqueName('foundation-plain'), partitions: 3 }]);
    const producer = kafka().producer({ idempotent: true, maxInFlightRequests: 1 });
    await producer.connect();
    const sent = ['hotel-1', 'hotel-2', 'hotel-3', 'hotel-1', 'hotel-2', 'hotel-1'].map((key, index) => ({
      key,
      value: JSON.stringify({ key, index }),
      headers: { source: 'foundation-test' },
    }));
    const acks = await producer.send({ topic: topic!, acks: -1, messages: sent });
    await producer.disconnect();
    expect(acks.every((ack) => ack.errorCode === 0)).toBe(true);

    const records = await readAll(topic!);
    expect(records).toHaveLength(sent.length);
    const received = records.map(
      (record) => JSON.parse(record.value!.toString()) as { key: string; index: number },
    );
    expect(received.map((value) => value.index).sort()).toEqual([0, 1, 2, 3, 4, 5]);
    for (const record of records) {
      expect(record.headers.source?.toString()).toBe('foundation-test');
      // The key decides the partition, so every record of a key is in one partition, in order.
      const sameKey = records.filter((other) => other.key!.equals(record.key!));
      expect(new Set(sameKey.map((other) => other.partition)).size).toBe(1);
    }
    const hotel1 = records.filter((record) => record.key!.toString() === 'hotel-1');
    expect(hotel1.map((record) => JSON.parse(record.value!.toString()).index)).toEqual([0, 3, 5]);
  });

  it('shows a read_committed consumer the committed transaction and not the aborted one', async () => {
    const [topic] = await createTopics([uniqueName('foundation-txn')]);
    const producer = kafka().producer({
      transactionalId: uniqueName('foundation-txn-producer'),
      idempotent: true,
      maxInFlightRequests: 1,
    });
    await producer.connect();
    try {
      const committed = await producer.transaction();
      await committed.send({ topic: topic!, messages: [{ value: 'committed-1' }, { value: 'committed-2' }] });
      await committed.commit();

      const aborted = await producer.transaction();
      await aborted.send({ topic: topic!, messages: [{ value: 'aborted-1' }] });
      await aborted.abort();
    } finally {
      await producer.disconnect();
    }

    const committedView = await readAll(topic!, { isolation: 'read_committed' });
    expect(committedView.map((record) => record.value!.toString())).toEqual(['committed-1', 'committed-2']);
    // read_uncommitted sees the aborted record too, which proves the abort really wrote something.
    const uncommittedView = await readAll(topic!, { isolation: 'read_uncommitted' });
    expect(uncommittedView.map((record) => record.value!.toString())).toEqual([
      'committed-1',
      'committed-2',
      'aborted-1',
    ]);
  });

  it('commits consumed offsets inside a transaction (sendOffsets), as a consume-process-produce loop does', async () => {
    const [input, output] = await createTopics([
      uniqueName('foundation-eos-in'),
      uniqueName('foundation-eos-out'),
    ]);
    const seed = inputProducer();
    await seed.connect();
    await seed.send({ topic: input!, messages: [{ value: 'a' }, { value: 'b' }, { value: 'c' }] });
    await seed.disconnect();

    const groupId = uniqueName('foundation-eos-group');
    const consumer = kafka().consumer({ groupId, readUncommitted: false });
    const producer = kafka().producer({
      transactionalId: uniqueName('foundation-eos'),
      maxInFlightRequests: 1,
    });
    await Promise.all([consumer.connect(), producer.connect()]);
    try {
      await consumer.subscribe({ topic: input!, fromBeginning: true });
      let processed = 0;
      const done = new Promise<void>((resolve, reject) => {
        consumer
          .run({
            autoCommit: false,
            eachMessage: async ({ topic, partition, message }) => {
              const transaction = await producer.transaction();
              await transaction.send({
                topic: output!,
                messages: [{ value: message.value!.toString().toUpperCase() }],
              });
              await transaction.sendOffsets({
                consumerGroupId: groupId,
                topics: [
                  { topic, partitions: [{ partition, offset: (BigInt(message.offset) + 1n).toString() }] },
                ],
              });
              await transaction.commit();
              processed += 1;
              if (processed === 3) resolve();
            },
          })
          .catch(reject);
      });
      await done;
    } finally {
      await consumer.disconnect();
      await producer.disconnect();
    }

    const outputs = await readAll(output!, { isolation: 'read_committed' });
    expect(outputs.map((record) => record.value!.toString())).toEqual(['A', 'B', 'C']);
    const offsets = await admin.fetchOffsets({ groupId, topics: [input!] });
    expect(offsets[0]?.partitions).toEqual([{ partition: 0, offset: '3', metadata: null }]);
  });
});
