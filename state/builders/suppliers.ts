/** Suppliers of inner byte stores, one new instance per `get()` (per task), for each store kind. */
import { StateStoreError } from '../errors.js';
import type { KeyValueBytesStore, KeyValueBytesStoreSupplier } from '../internal/key-value-bytes-store.js';
import { defaultSegmentInterval } from '../internal/segments.js';
import { InMemoryKeyValueStore } from '../memory/in-memory-key-value-store.js';
import { RocksDbKeyValueStore } from '../rocksdb/rocksdb-key-value-store.js';
import type { ChangelogConfig } from '../store.js';

/** Store names become file and topic names: keep them to what both accept. */
const VALID_NAME = /^[A-Za-z0-9._-]+$/;

/** How long a window changelog keeps records beyond the store's retention (Kafka Streams: one day). */
const CHANGELOG_EXTRA_RETENTION_MS = 24 * 60 * 60 * 1000;

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

/** Changelog topic configs of window and session stores: compacted, and deleted after the retention. */
export function windowChangelogDefaults(retentionMs: number): ChangelogConfig {
  return {
    'cleanup.policy': 'compact,delete',
    'retention.ms': String(retentionMs + CHANGELOG_EXTRA_RETENTION_MS),
  };
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

/** Supplies the byte stores of window stores, with their shape. */
export class WindowBytesStoreSupplier extends BytesStoreSupplier {
  readonly segmentIntervalMs: number;

  constructor(
    name: string,
    persistent: boolean,
    readonly retentionMs: number,
    readonly windowSizeMs: number,
    readonly retainDuplicates: boolean,
    segmentIntervalMs?: number,
  ) {
    super(name, persistent);
    if (!(windowSizeMs > 0) || !(retentionMs >= windowSizeMs)) {
      throw new StateStoreError(
        'STRM_ERR_STORE_INVALID_ARGUMENT',
        `Window store "${name}": the window size (${windowSizeMs} ms) must be positive and no longer than ` +
          `the retention (${retentionMs} ms); raise the retention to at least window size plus grace`,
      );
    }
    this.segmentIntervalMs = segmentIntervalMs ?? defaultSegmentInterval(retentionMs);
  }
}

/** Supplies the byte stores of session stores, with their retention. */
export class SessionBytesStoreSupplier extends BytesStoreSupplier {
  readonly segmentIntervalMs: number;

  constructor(
    name: string,
    persistent: boolean,
    readonly retentionMs: number,
    segmentIntervalMs?: number,
  ) {
    super(name, persistent);
    if (!(retentionMs > 0)) {
      throw new StateStoreError(
        'STRM_ERR_STORE_INVALID_ARGUMENT',
        `Session store "${name}": the retention (${retentionMs} ms) must be positive (at least the inactivity gap plus grace)`,
      );
    }
    this.segmentIntervalMs = segmentIntervalMs ?? defaultSegmentInterval(retentionMs);
  }
}
