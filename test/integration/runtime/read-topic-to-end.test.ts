import { describe, expect, it } from 'vitest';
import { readTopicToEnd } from '../../../topology/runtime/index.js';
import {
  createTopics,
  endpoints,
  inputProducer,
  kafka,
  outgoingRecords,
  uniqueName,
} from '../../support/index.js';

/** The cluster as a user names it: brokers (and security), no client object. */
const cluster = () => ({ bootstrapServers: endpoints().kafkaBrokers });

describe('readTopicToEnd on the real broker', () => {
  it('reads a topic that does not exist as empty', async () => {
    expect(await readTopicToEnd(cluster(), uniqueName('read-to-end-missing'))).toEqual([]);
  });

  it('reads to the last stable offset: committed records, not an aborted or a still open transaction', async () => {
    const [topic] = await createTopics([{ topic: uniqueName('read-to-end'), partitions: 2 }]);
    // One transaction after the other on one transactional producer: each opens on its first send.
    const producer = kafka().transactionalProducer({ transactionalId: uniqueName('read-to-end-producer') });
    await producer.connect();
    try {
      await producer.send(
        outgoingRecords(topic!, [
          { partition: 0, key: 'a', value: 'committed-0', headers: { origin: 'test' } },
          { partition: 1, key: 'b', value: 'committed-1' },
          { partition: 0, key: 'c', value: 'committed-2' },
        ]),
      );
      await producer.commit([], 'unused-no-offsets');
      await producer.send(outgoingRecords(topic!, [{ partition: 1, value: 'aborted' }]));
      await producer.abort();
      // Left open while reading: the read must end before it instead of waiting for it.
      await producer.send(outgoingRecords(topic!, [{ partition: 0, value: 'open' }]));
      try {
        const read = await readTopicToEnd(cluster(), topic!, {
          isolation: 'read_committed',
          timeoutMs: 20_000,
        });
        expect(read.map((record) => [record.partition, record.value?.toString()])).toEqual([
          [0, 'committed-0'],
          [0, 'committed-2'],
          [1, 'committed-1'],
        ]);
        expect(read[0]).toMatchObject({ offset: '0', key: Buffer.from('a') });
        expect(read[0]!.headers.origin?.toString()).toBe('test');
        expect(read[0]!.timestamp).toBeGreaterThan(Date.now() - 60_000);

        const everything = await readTopicToEnd(cluster(), topic!, { timeoutMs: 20_000 });
        expect(everything.map((record) => record.value?.toString())).toEqual([
          'committed-0',
          'committed-2',
          'committed-1',
          'aborted',
        ]);
        expect(await readTopicToEnd(cluster(), topic!, { limit: 1 })).toHaveLength(1);
      } finally {
        await producer.abort();
      }
    } finally {
      await producer.disconnect();
    }
  });

  it('names the partitions it did not read to their end when it times out', async () => {
    const [topic] = await createTopics([{ topic: uniqueName('read-to-end-timeout'), partitions: 2 }]);
    const producer = inputProducer();
    await producer.connect();
    await producer.send({
      topic: topic!,
      acks: -1,
      messages: [
        { partition: 0, value: 'x' },
        { partition: 1, value: 'y' },
      ],
    });
    await producer.disconnect();
    await expect(readTopicToEnd(cluster(), topic!, { timeoutMs: 1 })).rejects.toThrow(
      /not read to the end in 1 ms: partition 0 \(nothing read of 0\), partition 1 \(nothing read of 0\)/,
    );
  });
});
