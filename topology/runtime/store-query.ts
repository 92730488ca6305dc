/**
 * An interactive query as data (Kafka Streams' IQv2 `KeyQuery` / `RangeQuery`), so that it can cross to
 * the stream thread whose task holds the store (`numStreamThreads > 1`: stores live in worker threads)
 * and its answer can come back. Keys and values cross by structured clone: plain data only.
 */
import type { KeyValue, ReadOnlyKeyValueStore } from '../../state/store.js';
import { RuntimeError } from './errors.js';

/** What {@link KafkaStreams.query} asks a key-value store. */
export type StoreQuery =
  /** The value of `key` (undefined when absent). */
  | { readonly type: 'get'; readonly key: unknown }
  /** Entries with `from <= key <= to` in encoded-key order; an omitted bound is open. */
  | { readonly type: 'range'; readonly from?: unknown; readonly to?: unknown }
  /** Every entry. */
  | { readonly type: 'all' }
  /** The store's estimate of its entries. */
  | { readonly type: 'approximateNumEntries' };

/** The answer to each kind of {@link StoreQuery}. */
export type StoreQueryResult<Q extends StoreQuery, K = unknown, V = unknown> = Q extends { type: 'get' }
  ? V | undefined
  : Q extends { type: 'approximateNumEntries' }
    ? number
    : Array<KeyValue<K, V>>;

/** Runs `query` on a local store; the answer is plain data (iterators are read to their end and closed). */
export function runStoreQuery(store: unknown, query: StoreQuery): unknown {
  const kv = store as Partial<ReadOnlyKeyValueStore<unknown, unknown>>;
  if (typeof kv.get !== 'function' || typeof kv.range !== 'function') {
    throw new RuntimeError(
      'STRM_ERR_RUNTIME_CONFIG',
      'query() reads key-value stores only; read window and session stores with store() on one thread',
    );
  }
  switch (query.type) {
    case 'get':
      return kv.get(query.key);
    case 'approximateNumEntries':
      return kv.approximateNumEntries?.() ?? 0;
    case 'range':
    case 'all': {
      const iterator = query.type === 'all' ? kv.all!() : kv.range(query.from, query.to);
      try {
        return [...iterator];
      } finally {
        iterator.close();
      }
    }
  }
}
