import { describe, expect, it } from 'vitest';
import { KafkaFacadeError } from '../../../topology/internal/kafka/errors.js';
import type { KafkaClient } from '../../../topology/internal/kafka/kafka-client.js';
import {
  ReadProgress,
  sortByPartitionAndOffset,
} from '../../../topology/internal/kafka/kafkajs/topic-reader.js';
import { readTopicToEnd } from '../../../topology/runtime/read-topic-to-end.js';

describe('ReadProgress: when a topic was read to its end', () => {
  it('is done at once when every partition is empty', () => {
    expect(new ReadProgress([{ partition: 0, low: '7', high: '7' }]).done).toBe(true);
  });

  it('waits for a batch reaching the offset before the high watermark of each partition', () => {
    const progress = new ReadProgress([
      { partition: 0, low: '0', high: '10' },
      { partition: 1, low: '3', high: '5' },
    ]);
    progress.batchEnded(0, '8');
    expect(progress.done).toBe(false);
    progress.batchEnded(0, '9');
    progress.batchEnded(1, null); // an empty batch says nothing
    expect(progress.done).toBe(false);
    // A batch may go past the end: the last offset (a transaction marker) was at or beyond it.
    progress.batchEnded(1, '6');
    expect(progress.done).toBe(true);
  });

  it('leaves out records appended after the ends were listed, also on partitions already read', () => {
    const progress = new ReadProgress([
      { partition: 0, low: '0', high: '3' },
      { partition: 1, low: '0', high: '0' },
    ]);
    expect(progress.isBeyondEnd(0, '2')).toBe(false);
    progress.batchEnded(0, '2');
    expect(progress.isBeyondEnd(0, '3')).toBe(true);
    expect(progress.isBeyondEnd(1, '0')).toBe(true);
    expect(progress.isBeyondEnd(2, '0')).toBe(true); // a partition added after the call
  });

  it('keeps each record once when the group starts a partition again from the beginning', () => {
    const progress = new ReadProgress([
      { partition: 0, low: '0', high: '3' },
      { partition: 1, low: '0', high: '2' },
    ]);
    const kept = (partition: number, offsets: string[]) =>
      offsets.filter((offset) => progress.accept(partition, offset));
    expect(kept(0, ['0', '1'])).toEqual(['0', '1']);
    expect(kept(1, ['0'])).toEqual(['0']);
    // A rebalance of the throw-away group: both partitions fetched again from offset 0.
    expect(kept(0, ['0', '1', '2', '3'])).toEqual(['2']);
    expect(kept(1, ['0', '1'])).toEqual(['1']);
  });

  it('names the partitions not read to their end and how far each got', () => {
    const progress = new ReadProgress([
      { partition: 2, low: '0', high: '100' },
      { partition: 0, low: '0', high: '50' },
      { partition: 1, low: '0', high: '1' },
    ]);
    progress.batchEnded(2, '41');
    progress.batchEnded(1, '0');
    expect(progress.describeUnread()).toBe(
      'partition 0 (nothing read of 49), partition 2 (read to offset 41 of 99)',
    );
  });

  it('compares offsets past 2^53 exactly', () => {
    const progress = new ReadProgress([{ partition: 0, low: '0', high: '9007199254740995' }]);
    expect(progress.isBeyondEnd(0, '9007199254740994')).toBe(false);
    expect(progress.isBeyondEnd(0, '9007199254740995')).toBe(true);
  });
});

describe('sortByPartitionAndOffset', () => {
  it('orders by partition, then numerically by offset', () => {
    const sorted = sortByPartitionAndOffset([
      { partition: 1, offset: '2' },
      { partition: 0, offset: '10' },
      { partition: 0, offset: '9' },
      { partition: 1, offset: '9007199254740993' },
      { partition: 1, offset: '9007199254740992' },
    ]);
    expect(sorted).toEqual([
      { partition: 0, offset: '9' },
      { partition: 0, offset: '10' },
      { partition: 1, offset: '2' },
      { partition: 1, offset: '9007199254740992' },
      { partition: 1, offset: '9007199254740993' },
    ]);
  });
});

describe('readTopicToEnd: bad options', () => {
  // Refused before any call to Kafka, so no broker is needed.
  const noKafka = { bootstrapServers: '127.0.0.1:1' };

  it('refuses an empty topic name, a negative or fractional limit and a timeout that is not positive', async () => {
    await expect(readTopicToEnd(noKafka, '')).rejects.toThrow(/topic must be a non-empty string/);
    await expect(readTopicToEnd(noKafka, 't', { limit: -1 })).rejects.toThrow(
      /limit must be an integer >= 0/,
    );
    await expect(readTopicToEnd(noKafka, 't', { limit: 1.5 })).rejects.toThrow(/limit must be an integer/);
    await expect(readTopicToEnd(noKafka, 't', { timeoutMs: 0 })).rejects.toThrow(
      /timeoutMs must be a number > 0/,
    );
    await expect(readTopicToEnd(noKafka, 't', { timeoutMs: Number.NaN })).rejects.toThrow(/timeoutMs/);
  });

  it('reads nothing for a limit of 0', async () => {
    expect(await readTopicToEnd(noKafka, 't', { limit: 0 })).toEqual([]);
  });
});

describe('readTopicToEnd: read_committed the client cannot do correctly', () => {
  it("is refused with the client's coded error, before any read", async () => {
    const refusal = new KafkaFacadeError('STRM_ERR_KAFKA_READ_COMMITTED_UNSAFE', 'kafkajs was loaded first');
    let reads = 0;
    const client = {
      requireReadCommitted: () => {
        throw refusal;
      },
      readTopic: async () => {
        reads++;
        return [];
      },
    } as unknown as KafkaClient;
    await expect(readTopicToEnd(client, 't', { isolation: 'read_committed' })).rejects.toBe(refusal);
    expect(await readTopicToEnd(client, 't')).toEqual([]);
    expect(reads).toBe(1);
  });
});
