/**
 * The {@link RocksDbBinding} over `@nxtedition/rocksdb`, chosen because it exposes synchronous gets,
 * write batches and iterator chunks (`_getManySync`, `_writeSync`, `_nextvSync`) on a current RocksDB;
 * the measurements are in `bench/RESULTS.md` ("RocksDB bindings").
 */
import { createRequire } from 'node:module';
import {
  type RocksDbBinding,
  type RocksDbCursor,
  type RocksDbHandle,
  RocksDbOpenError,
  type RocksDbRange,
  type RocksDbWrite,
} from './binding.js';

/** The parts of `@nxtedition/rocksdb`'s (untyped) JavaScript API that are used here. */
interface NxtChainedBatch {
  // The underscored methods skip abstract-level's key encoding, which would treat bytes as UTF-8.
  _put(key: Buffer, value: Buffer, options: object): void;
  _del(key: Buffer, options: object): void;
  _writeSync(options?: object): void;
  _closeSync(): void;
}
interface NxtIterator {
  _nextvSync(size: number, options: object): { rows: Buffer[]; finished: boolean };
  _closeSync(): void;
}
interface NxtDatabase {
  open(options: { createIfMissing: boolean }): Promise<void>;
  close(): Promise<void>;
  _getManySync(keys: Buffer[], options?: object): (Buffer | undefined)[];
  batch(): NxtChainedBatch;
  iterator(options: object): NxtIterator;
  _clear(options: object, callback: (error?: Error | null) => void): unknown;
  getProperty(name: string): string;
}
type NxtModule = { RocksLevel: new (location: string, options: object) => NxtDatabase };

const require = createRequire(import.meta.url);
let loaded: NxtModule | undefined;
function nxt(): NxtModule {
  loaded ??= require('@nxtedition/rocksdb') as NxtModule;
  return loaded;
}

const NO_OPTIONS = {};
const BUFFERS = { keyEncoding: 'buffer', valueEncoding: 'buffer' } as const;

class NxtCursor implements RocksDbCursor {
  constructor(private readonly iterator: NxtIterator) {}
  nextChunk(count: number): { rows: Buffer[]; finished: boolean } {
    return this.iterator._nextvSync(count, BUFFERS);
  }
  close(): void {
    this.iterator._closeSync();
  }
}

class NxtHandle implements RocksDbHandle {
  /** An error of a range delete, which the binding reports only asynchronously; raised by the next write. */
  private deferredError: Error | undefined;

  constructor(private readonly db: NxtDatabase) {}

  getSync(key: Buffer): Buffer | undefined {
    return this.db._getManySync([key])[0] ?? undefined;
  }

  writeSync(writes: ReadonlyArray<RocksDbWrite>): void {
    this.raiseDeferred();
    const batch = this.db.batch();
    try {
      for (const { key, value } of writes) {
        if (value === null) batch._del(key, NO_OPTIONS);
        else batch._put(key, value, NO_OPTIONS);
      }
      batch._writeSync();
    } finally {
      batch._closeSync();
    }
  }

  deleteRangeSync(range: { gte: Buffer; lt: Buffer }): void {
    this.raiseDeferred();
    // `_clear` runs the native DeleteRange synchronously but reports its outcome on the next tick.
    this.db._clear({ gte: range.gte, lt: range.lt }, (error) => {
      if (error) this.deferredError = error;
    });
  }

  cursor(range: RocksDbRange): RocksDbCursor {
    return new NxtCursor(this.db.iterator({ ...range, ...BUFFERS }));
  }

  property(name: string): string | undefined {
    try {
      return this.db.getProperty(name);
    } catch {
      return undefined;
    }
  }

  async close(): Promise<void> {
    await this.db.close();
    this.raiseDeferred();
  }

  private raiseDeferred(): void {
    const error = this.deferredError;
    if (error === undefined) return;
    this.deferredError = undefined;
    throw error;
  }
}

/** The default binding. */
export const nxteditionBinding: RocksDbBinding = {
  async open(location: string): Promise<RocksDbHandle> {
    const db = new (nxt().RocksLevel)(location, {});
    try {
      await db.open({ createIfMissing: true });
    } catch (error) {
      // abstract-level wraps RocksDB's status in `cause` (code LEVEL_CORRUPTION, LEVEL_LOCKED, ...).
      const cause = ((error as { cause?: unknown }).cause ?? error) as { message?: string; code?: string };
      const message = cause.message ?? String(error);
      const failure =
        cause.code === 'LEVEL_CORRUPTION' || message.startsWith('Corruption')
          ? 'corrupt'
          : cause.code === 'LEVEL_LOCKED'
            ? 'locked'
            : 'other';
      throw new RocksDbOpenError(message, failure, { cause: error });
    }
    return new NxtHandle(db);
  },
};
