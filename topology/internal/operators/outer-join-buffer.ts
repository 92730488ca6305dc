/**
 * The records of a left or outer stream-stream join that have found no partner yet, shared by both
 * sides' join nodes (Kafka Streams' outer-join store): kept in a byte key-value store (change-logged)
 * ordered by timestamp, removed when a partner joins them, and emitted joined with `null` once their join
 * window has closed. Store keys are `[timestamp: 8][side: 1][record key bytes]`; values are the list of
 * that key's unmatched values at that time, `[count: 4]([length: 4][value bytes])*`.
 */
import type { Serde } from '../../../schemas/serde.js';
import type { KeyValueStore } from '../../../state/store.js';

/** Which input of the join a record came from. */
export type JoinSide = 'left' | 'right';

/** An unmatched record whose window has closed. */
export interface UnmatchedRecord<K> {
  readonly side: JoinSide;
  readonly key: K;
  readonly timestamp: number;
  readonly values: readonly unknown[];
}

const SIDE_BYTE: Record<JoinSide, number> = { left: 0, right: 1 };

export class OuterJoinBuffer<K, V1, V2> {
  private readonly keyContext;
  private readonly valueContext;
  /**
   * A lower bound of the held timestamps (`-Infinity` until the store was scanned once, e.g. after a
   * restore), so that a scan that could find nothing due is skipped.
   */
  private earliest = Number.NEGATIVE_INFINITY;

  constructor(
    private readonly store: KeyValueStore<Buffer, Buffer>,
    private readonly keySerde: Serde<K>,
    private readonly leftSerde: Serde<V1>,
    private readonly rightSerde: Serde<V2>,
  ) {
    this.keyContext = { topic: store.name, isKey: true };
    this.valueContext = { topic: store.name, isKey: false };
  }

  /** Keeps an unmatched record (appended to any held at the same time for the same key and side). */
  hold(side: JoinSide, key: K, timestamp: number, value: V1 | V2): void {
    const storeKey = this.storeKey(side, key, timestamp);
    const serde = (side === 'left' ? this.leftSerde : this.rightSerde) as Serde<unknown>;
    const bytes = serde.serialize(value, this.valueContext) ?? Buffer.alloc(0);
    const existing = this.store.get(storeKey);
    const count = existing === undefined ? 0 : existing.readUInt32BE(0);
    const head = Buffer.allocUnsafe(4);
    head.writeUInt32BE(count + 1, 0);
    const length = Buffer.allocUnsafe(4);
    length.writeUInt32BE(bytes.length, 0);
    this.earliest = Math.min(this.earliest, timestamp);
    this.store.put(
      storeKey,
      Buffer.concat([head, existing === undefined ? Buffer.alloc(0) : existing.subarray(4), length, bytes]),
    );
  }

  /** Forgets the unmatched records of `key` on `side` at `timestamp`: a partner joined them. */
  matched(side: JoinSide, key: K, timestamp: number): void {
    this.store.delete(this.storeKey(side, key, timestamp));
  }

  /**
   * Removes and returns the held records whose window has closed, oldest first. `closesAfter(side)` is
   * how long after its timestamp a record of that side can still find a partner; `bounds` are the
   * smallest and largest of the two, which skip or end the scan early.
   */
  takeClosed(
    streamTime: number,
    closesAfter: (side: JoinSide) => number,
    bounds: { readonly min: number; readonly max: number },
  ): UnmatchedRecord<K>[] {
    if (this.earliest + bounds.min >= streamTime) return [];
    // Only records up to this time can be due: read just those (an in-memory store copies what it reads).
    const lastDue = streamTime - bounds.min - 1;
    if (lastDue < 0) return [];
    const upper = Buffer.allocUnsafe(8);
    upper.writeBigUInt64BE(BigInt(lastDue + 1), 0);
    const due: Array<{ storeKey: Buffer; record: UnmatchedRecord<K> }> = [];
    // Records after the range are at least `lastDue + 1`.
    let earliestKept = lastDue + 1;
    const iterator = this.store.range(undefined, upper);
    try {
      for (const { key: storeKey, value } of iterator) {
        const timestamp = Number(storeKey.readBigUInt64BE(0));
        if (timestamp + bounds.max >= streamTime) {
          earliestKept = Math.min(earliestKept, timestamp);
          break;
        }
        const side: JoinSide = storeKey.readUInt8(8) === SIDE_BYTE.left ? 'left' : 'right';
        if (timestamp + closesAfter(side) >= streamTime) {
          earliestKept = Math.min(earliestKept, timestamp);
          continue;
        }
        const key = this.keySerde.deserialize(storeKey.subarray(9), this.keyContext);
        due.push({ storeKey, record: { side, key, timestamp, values: this.values(side, value) } });
      }
    } finally {
      iterator.close();
    }
    for (const { storeKey } of due) this.store.delete(storeKey);
    this.earliest = earliestKept;
    return due.map((d) => d.record);
  }

  private values(side: JoinSide, bytes: Buffer): unknown[] {
    const serde = (side === 'left' ? this.leftSerde : this.rightSerde) as Serde<unknown>;
    const count = bytes.readUInt32BE(0);
    const values: unknown[] = [];
    let at = 4;
    for (let i = 0; i < count; i++) {
      const length = bytes.readUInt32BE(at);
      values.push(serde.deserialize(bytes.subarray(at + 4, at + 4 + length), this.valueContext));
      at += 4 + length;
    }
    return values;
  }

  private storeKey(side: JoinSide, key: K, timestamp: number): Buffer {
    const keyBytes = this.keySerde.serialize(key, this.keyContext) ?? Buffer.alloc(0);
    const head = Buffer.allocUnsafe(9);
    // Timestamps are never negative in a task (invalid ones are skipped), so unsigned order is time order.
    head.writeBigUInt64BE(BigInt(timestamp), 0);
    head.writeUInt8(SIDE_BYTE[side], 8);
    return Buffer.concat([head, keyBytes]);
  }
}
