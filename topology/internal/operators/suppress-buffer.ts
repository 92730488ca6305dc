/**
 * The buffer behind `KTable.suppress`: the held update of each key, in a key-value store (so it is
 * change-logged and survives a restart or a task move) with an in-memory index in due-time order. Each
 * key keeps the due time of its first held update and the old value from before it, so the update finally
 * emitted spans everything that was held back.
 */
import type { Serde } from '../../../schemas/serde.js';
import { SerdeError } from '../../../schemas/serde.js';
import type { KeyValueStore } from '../../../state/store.js';
import { type Change, changeSerde } from './change.js';

/** One key's held update. */
export interface BufferedChange<V> {
  /** When the update is due, by stream time. */
  readonly dueTime: number;
  /** Timestamp of the latest update, given to the emitted record. */
  readonly timestamp: number;
  readonly change: Change<V>;
}

/** Stores a {@link BufferedChange}: `[due time: 8][timestamp: 8][change]`. */
export function bufferedChangeSerde<V>(valueSerde: Serde<V>): Serde<BufferedChange<V>> {
  const changes = changeSerde(valueSerde);
  return {
    name: `buffered(${valueSerde.name})`,
    serialize(buffered, context) {
      if (buffered === null || buffered === undefined) return null;
      const head = Buffer.allocUnsafe(16);
      head.writeDoubleBE(buffered.dueTime, 0);
      head.writeDoubleBE(buffered.timestamp, 8);
      return Buffer.concat([head, changes.serialize(buffered.change, context) ?? Buffer.alloc(0)]);
    },
    deserialize(data, context) {
      if (data === null || data.length < 16) {
        throw new SerdeError(
          'STRM_ERR_SERDE_DECODE',
          `a suppression buffer entry on "${context.topic}" is ${data === null ? 'null' : `${data.length} bytes`}, too short; the changelog was written by something else`,
        );
      }
      return {
        dueTime: data.readDoubleBE(0),
        timestamp: data.readDoubleBE(8),
        change: changes.deserialize(data.subarray(16), context),
      };
    },
  };
}

interface IndexEntry<K> {
  readonly id: string;
  readonly key: K;
  readonly dueTime: number;
}

/** The held updates of one task's suppression node. */
export class SuppressBuffer<K, V> {
  /** Keys by their serialized form, with their due time. */
  private readonly entries = new Map<string, IndexEntry<K>>();
  /** Entries by due time (ties in arrival order); evicted from the front. */
  private readonly order: IndexEntry<K>[] = [];
  private bytes = 0;
  private readonly sizes = new Map<string, number>();

  constructor(
    private readonly store: KeyValueStore<K, BufferedChange<V>>,
    private readonly keySerde: Serde<K>,
    private readonly entrySerde: Serde<BufferedChange<V>>,
    /** Whether to count bytes (only when a byte bound is set). */
    private readonly countBytes: boolean,
  ) {
    // Rebuild the index from the store, which was restored from its changelog.
    const iterator = store.all();
    try {
      for (const { key, value } of iterator) this.index(key, value);
    } finally {
      iterator.close();
    }
  }

  get size(): number {
    return this.entries.size;
  }

  get byteSize(): number {
    return this.bytes;
  }

  /** Holds `change` for `key`; a key already held keeps its due time and the old value from before. */
  hold(key: K, change: Change<V>, timestamp: number, dueTime: number): void {
    const id = this.idOf(key);
    const existing = this.entries.get(id) === undefined ? undefined : this.store.get(key);
    const buffered: BufferedChange<V> = existing
      ? {
          dueTime: existing.dueTime,
          timestamp,
          change: { newValue: change.newValue, oldValue: existing.change.oldValue },
        }
      : { dueTime, timestamp, change };
    this.store.put(key, buffered);
    if (existing === undefined) this.index(key, buffered, id);
    else if (this.countBytes) this.account(id, buffered);
  }

  /** The earliest due time held, or undefined when empty. */
  peekDueTime(): number | undefined {
    this.skipStale();
    return this.order[0]?.dueTime;
  }

  /** Removes and returns the update due first. */
  evictFirst(): { key: K; buffered: BufferedChange<V> } | undefined {
    this.skipStale();
    const first = this.order.shift();
    if (first === undefined) return undefined;
    this.entries.delete(first.id);
    this.bytes -= this.sizes.get(first.id) ?? 0;
    this.sizes.delete(first.id);
    const buffered = this.store.delete(first.key);
    return buffered === undefined ? undefined : { key: first.key, buffered };
  }

  /** The held update of `key`, if any (for value getters). */
  get(key: K): BufferedChange<V> | undefined {
    return this.entries.has(this.idOf(key)) ? this.store.get(key) : undefined;
  }

  private index(key: K, buffered: BufferedChange<V>, id = this.idOf(key)): void {
    const entry = { id, key, dueTime: buffered.dueTime };
    this.entries.set(id, entry);
    // Due times mostly arrive in order: search from the back.
    let at = this.order.length;
    while (at > 0 && this.order[at - 1]!.dueTime > entry.dueTime) at--;
    this.order.splice(at, 0, entry);
    if (this.countBytes) this.account(id, buffered);
  }

  private account(id: string, buffered: BufferedChange<V>): void {
    const context = { topic: this.store.name, isKey: false };
    const size = id.length + (this.entrySerde.serialize(buffered, context)?.length ?? 0);
    this.bytes += size - (this.sizes.get(id) ?? 0);
    this.sizes.set(id, size);
  }

  private skipStale(): void {
    while (this.order.length > 0 && this.entries.get(this.order[0]!.id) !== this.order[0]) this.order.shift();
  }

  private idOf(key: K): string {
    return this.keySerde.serialize(key, { topic: this.store.name, isKey: true })?.toString('latin1') ?? '';
  }
}
