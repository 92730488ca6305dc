/**
 * The public surface of `state/`: the store contracts, the `Stores` factory and its builders, the layers'
 * hooks (flush listeners, statistics) and the checkpoint helpers. Everything else under `state/` is
 * internal.
 */

export { KeyValueStoreBuilder } from './builders/key-value-store-builder.js';
export { SessionStoreBuilder } from './builders/session-store-builder.js';
export type { SessionBytesStoreSupplier, WindowBytesStoreSupplier } from './builders/suppliers.js';
export { WindowStoreBuilder } from './builders/window-store-builder.js';
export { NamedCache, TaskCache } from './cache/task-cache.js';
export { DEFAULT_CACHE_MAX_BYTES, type RecordCacheStatistics, ThreadCache } from './cache/thread-cache.js';
export {
  CHECKPOINT_FILE,
  type Checkpoint,
  type CheckpointEntry,
  deleteCheckpoint,
  readCheckpoint,
  restoreStartOffset,
  writeCheckpoint,
} from './checkpoint/checkpoint-file.js';
export { type PreparedTaskDirectory, prepareTaskDirectory } from './checkpoint/task-directory.js';
export { StateStoreError, type StateStoreErrorCode } from './errors.js';
export type {
  BytesStoreStatistics,
  KeyValueBytesStore,
  KeyValueBytesStoreSupplier,
} from './internal/key-value-bytes-store.js';
export {
  type CachedStateStore,
  type FlushListener,
  isCachedStateStore,
  MeteredKeyValueStore,
} from './layers/metered-key-value-store.js';
export {
  type CacheStatistics,
  isMeteredStore,
  type MeteredStore,
  type OperationStatistics,
  type StoreOperation,
  type StoreStatistics,
} from './metrics.js';
export { taskDirectory } from './rocksdb/rocksdb-key-value-store.js';
export { MeteredSessionStore } from './session/metered-session-store.js';
export * from './store.js';
export { Stores } from './stores.js';
export { MeteredWindowStore } from './window/metered-window-store.js';
export { fetchRolledUp, type RollUp, validateRollUp } from './window/rolled-up-windows.js';
