/**
 * The narrow interface the RocksDB store needs from a native binding, so the binding can be swapped (see
 * `bench/rocksdb-bindings/` for how the current one was chosen). Reads, writes and iteration are
 * synchronous because store operations are; only open and close are asynchronous.
 */

/** One write of a batch: a put, or a delete when `value` is `null`. */
export interface RocksDbWrite {
  readonly key: Buffer;
  readonly value: Buffer | null;
}

/** Bounds of an iterator or a range delete; all optional. */
export interface RocksDbRange {
  readonly gte?: Buffer;
  readonly lte?: Buffer;
  readonly lt?: Buffer;
}

/** A forward iterator over a snapshot of the database. */
export interface RocksDbCursor {
  /**
   * Up to `count` entries as a flat `[key0, value0, key1, value1, ...]` array, and whether the iterator
   * has reached the end.
   */
  nextChunk(count: number): { readonly rows: Buffer[]; readonly finished: boolean };
  close(): void;
}

/** An open database. */
export interface RocksDbHandle {
  getSync(key: Buffer): Buffer | undefined;
  /** Applies every write atomically (one RocksDB `WriteBatch`). */
  writeSync(writes: ReadonlyArray<RocksDbWrite>): void;
  /** Deletes every key in `[gte, lt)` (RocksDB `DeleteRange`). */
  deleteRangeSync(range: { readonly gte: Buffer; readonly lt: Buffer }): void;
  cursor(range: RocksDbRange): RocksDbCursor;
  /** A RocksDB property such as `rocksdb.estimate-num-keys`, or undefined when unknown. */
  property(name: string): string | undefined;
  close(): Promise<void>;
}

/** Why a database could not be opened. */
export type RocksDbOpenFailure =
  /** Its files are damaged (and may be wiped). */
  | 'corrupt'
  /** Another handle holds RocksDB's own lock on the directory (in this process: the task lock is shared). */
  | 'locked'
  | 'other';

/** A database that could not be opened, and why. */
export class RocksDbOpenError extends Error {
  constructor(
    message: string,
    readonly failure: RocksDbOpenFailure,
    options: { cause?: unknown } = {},
  ) {
    super(message, options);
    this.name = 'RocksDbOpenError';
  }
}

/** Opens databases. */
export interface RocksDbBinding {
  /**
   * Opens (creating if missing) the database in directory `location`; rejects with a
   * {@link RocksDbOpenError}.
   */
  open(location: string): Promise<RocksDbHandle>;
}
