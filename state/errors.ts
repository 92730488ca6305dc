/**
 * Coded errors of the state stores. Each names the store (or directory) at fault and the fix, carries a
 * stable `code` (`STRM_ERR_STORE_...`) and says whether retrying the same operation can help.
 */

/** Codes of {@link StateStoreError}. */
export type StateStoreErrorCode =
  /** A read or write on a store that is not initialised or already closed. */
  | 'STRM_ERR_STORE_NOT_OPEN'
  /** `init()` on a store that is already open. */
  | 'STRM_ERR_STORE_ALREADY_OPEN'
  /** A store was closed while iterators over it were still open. */
  | 'STRM_ERR_STORE_ITERATOR_LEAK'
  /** `next()` on an iterator that was closed. */
  | 'STRM_ERR_STORE_ITERATOR_CLOSED'
  /** Another live process holds the lock of a task directory. */
  | 'STRM_ERR_STORE_TASK_DIR_LOCKED'
  /** The RocksDB binding failed to open, read or write. */
  | 'STRM_ERR_STORE_IO'
  /** A checkpoint file could not be written. */
  | 'STRM_ERR_STORE_CHECKPOINT'
  /** A key or value could not be (de)serialized by the store's serde. */
  | 'STRM_ERR_STORE_SERDE'
  /** An argument that the store cannot accept (e.g. a window store with a retention shorter than its window). */
  | 'STRM_ERR_STORE_INVALID_ARGUMENT';

/** An error raised by a state store or one of its layers. */
export class StateStoreError extends Error {
  /** A stable machine-readable code, e.g. `STRM_ERR_STORE_TASK_DIR_LOCKED`. */
  readonly code: StateStoreErrorCode;
  /** True when the same operation may succeed if retried (e.g. a lock held by a process that is exiting). */
  readonly retriable: boolean;

  constructor(
    code: StateStoreErrorCode,
    message: string,
    options: { cause?: unknown; retriable?: boolean } = {},
  ) {
    super(message, { cause: options.cause });
    this.name = 'StateStoreError';
    this.code = code;
    this.retriable = options.retriable ?? false;
  }
}

/** Throws `STRM_ERR_STORE_NOT_OPEN` naming the store and the fix. */
export function storeNotOpen(storeName: string): StateStoreError {
  return new StateStoreError(
    'STRM_ERR_STORE_NOT_OPEN',
    `State store "${storeName}" is not open: call init(context) before using it, and do not use it after close()`,
  );
}
