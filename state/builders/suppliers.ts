/** Suppliers of inner byte stores, one new instance per `get()` (per task). */

import { StateStoreError } from '../errors.js';
import type { KeyValueBytesStore, KeyValueBytesStoreSupplier } from '../internal/key-value-bytes-store.js';
import { InMemoryKeyValueStore } from '../memory/in-memory-key-value-store.js';
import { RocksDbKeyValueStore } from '../rocksdb/rocksdb-key-value-store.js';

/** Store names become file and topic names: keep them to what both accept. */
const VALID_NAME = /^[A-Za-z0-9._-]+$/;

/** Checks a store name, naming the fix when it is unusable. */
export function validateStoreName(name: string): void {
  if (!VALID_NAME.test(name) || name === '.' || name === '..' || name.length > 200) {
    throw new StateStoreError(
      'STRM_ERR_STORE_INVALID_ARGUMENT',
      `Invalid state store name "${name}": use 1-200 characters among letters, digits, '.', '_' and '-' ` +
        '(the name is part of a directory and of a Kafka topic name)',
    );
  }
}

/** Supplies in-memory or RocksDB byte stores under a name. */
export class BytesStoreSupplier implements KeyValueBytesStoreSupplier {
  constructor(
    readonly name: string,
    readonly persistent: boolean,
  ) {
    validateStoreName(name);
  }

  get(): KeyValueBytesStore {
    return this.persistent ? new RocksDbKeyValueStore(this.name) : new InMemoryKeyValueStore(this.name);
  }
}
