/**
 * Kafka's default partitioning: the 32-bit murmur2 hash of the serialized key, made positive, modulo the
 * partition count. Java clients, kafkajs's DefaultPartitioner and this function agree, which is what keeps
 * repartition topics written by us co-partitioned with topics written by any other Kafka client.
 */

const SEED = 0x9747b28c;
const M = 0x5bd1e995;
const R = 24;

/** The murmur2 hash of `data` as a signed 32-bit integer, bit for bit as Kafka's `Utils.murmur2`. */
export function murmur2(data: Uint8Array): number {
  const length = data.length;
  let h = SEED ^ length;
  const blocks = length >> 2;
  for (let i = 0; i < blocks; i++) {
    const o = i << 2;
    let k = data[o]! | (data[o + 1]! << 8) | (data[o + 2]! << 16) | (data[o + 3]! << 24);
    k = Math.imul(k, M);
    k ^= k >>> R;
    k = Math.imul(k, M);
    h = Math.imul(h, M);
    h ^= k;
  }
  const tail = length & ~3;
  // The fall-through mirrors the Java switch: 3 tail bytes mix in all three cases.
  switch (length & 3) {
    case 3:
      h ^= data[tail + 2]! << 16;
      h ^= data[tail + 1]! << 8;
      h ^= data[tail]!;
      h = Math.imul(h, M);
      break;
    case 2:
      h ^= data[tail + 1]! << 8;
      h ^= data[tail]!;
      h = Math.imul(h, M);
      break;
    case 1:
      h ^= data[tail]!;
      h = Math.imul(h, M);
      break;
  }
  h ^= h >>> 13;
  h = Math.imul(h, M);
  h ^= h >>> 15;
  return h | 0;
}

/** The partition Kafka's default partitioner picks for a non-null serialized key. */
export function defaultPartition(keyBytes: Uint8Array, numPartitions: number): number {
  return (murmur2(keyBytes) & 0x7fffffff) % numPartitions;
}
