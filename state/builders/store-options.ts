/** The logging and caching options shared by the key-value, window and session store builders. */
import { StateStoreError } from '../errors.js';
import { DEFAULT_CACHE_MAX_BYTES } from '../layers/caching-key-value-store.js';
import type { ChangelogConfig } from '../store.js';

/** Mutable options of a store builder; defaults follow Kafka Streams (logging on, caching off). */
export class StoreOptions {
  loggingEnabled = true;
  changelogConfig: ChangelogConfig = {};
  cachingEnabled = false;
  cacheMaxBytes = DEFAULT_CACHE_MAX_BYTES;

  enableCaching(storeName: string, maxBytes: number): void {
    if (!Number.isFinite(maxBytes) || maxBytes <= 0) {
      throw new StateStoreError(
        'STRM_ERR_STORE_INVALID_ARGUMENT',
        `State store "${storeName}": cache size must be a positive number of bytes, got ${maxBytes}`,
      );
    }
    this.cachingEnabled = true;
    this.cacheMaxBytes = maxBytes;
  }
}
