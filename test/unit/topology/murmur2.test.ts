import { Partitioners } from 'kafkajs';
import { describe, expect, it } from 'vitest';
import { defaultPartition } from '../../../topology/internal/murmur2.js';

describe('defaultPartition (murmur2)', () => {
  it("agrees with kafkajs's DefaultPartitioner (which agrees with Java's) for keys of every tail length", () => {
    const kafkajs = Partitioners.DefaultPartitioner();
    const counts = [1, 3, 6, 12, 100];
    const keys: Buffer[] = [];
    for (let length = 0; length < 40; length++) {
      keys.push(Buffer.from(Array.from({ length }, (_, i) => (i * 37 + length * 11) % 256)));
    }
    keys.push(Buffer.from('property-42'), Buffer.from('hôtel-ü'), Buffer.from('21'));
    let compared = 0;
    for (const numPartitions of counts) {
      const partitionMetadata = Array.from({ length: numPartitions }, (_, id) => ({
        partitionId: id,
        leader: 0,
        partitionErrorCode: 0,
        replicas: [0],
        isr: [0],
      }));
      for (const key of keys) {
        const expected = kafkajs({ topic: 't', partitionMetadata, message: { key, value: null } });
        expect(defaultPartition(key, numPartitions)).toBe(expected);
        compared++;
      }
    }
    expect(compared).toBe(counts.length * keys.length);
  });
});
