/**
 * One adapter per RocksDB binding, each driven the way a state store would drive it: single puts and
 * gets one after another (a store cannot pipeline a processor's reads), write batches of many puts, and a
 * forward scan of the whole database. `@nxtedition/rocksdb` is driven through its synchronous calls, the
 * two others through their asynchronous APIs (the only ones they have).
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

const require = createRequire(import.meta.url);

/** What the benchmark needs from a binding. */
export interface BenchDatabase {
  putEach(entries: ReadonlyArray<readonly [Buffer, Buffer]>): Promise<void>;
  writeBatches(entries: ReadonlyArray<readonly [Buffer, Buffer]>, batchSize: number): Promise<void>;
  /** Returns how many keys were found (checked by the caller, so no work is optimised away). */
  getEach(keys: readonly Buffer[]): Promise<number>;
  /** Returns how many entries the full forward scan saw. */
  scanAll(): Promise<number>;
  close(): Promise<void>;
}

/** A binding under test. */
export interface BenchBinding {
  readonly name: string;
  readonly version: string;
  /** The RocksDB release the binding embeds. */
  readonly engine: string;
  /** How calls reach RocksDB. */
  readonly api: 'sync' | 'async';
  open(location: string): Promise<BenchDatabase>;
}

/** The installed version, read from the package's own package.json (some packages do not export it). */
function packageVersion(name: string): string {
  try {
    const manifest = join(dirname(require.resolve(name)), 'package.json');
    return (JSON.parse(readFileSync(manifest, 'utf8')) as { version: string }).version;
  } catch {
    return 'not installed';
  }
}

// ---- @nxtedition/rocksdb: synchronous gets, batch writes and iterator chunks ----------------------------

interface NxtDb {
  open(options: object): Promise<void>;
  close(): Promise<void>;
  batch(): { _put(k: Buffer, v: Buffer, o: object): void; _writeSync(): void; _closeSync(): void };
  _getManySync(keys: Buffer[]): (Buffer | undefined)[];
  iterator(options: object): {
    _nextvSync(n: number, o: object): { rows: Buffer[]; finished: boolean };
    _closeSync(): void;
  };
}

const nxtedition: BenchBinding = {
  name: '@nxtedition/rocksdb',
  version: packageVersion('@nxtedition/rocksdb'),
  engine: '9.7.4',
  api: 'sync',
  async open(location) {
    const { RocksLevel } = require('@nxtedition/rocksdb') as {
      RocksLevel: new (l: string, o: object) => NxtDb;
    };
    const db = new RocksLevel(location, {});
    await db.open({ createIfMissing: true });
    const none = {};
    const write = (entries: ReadonlyArray<readonly [Buffer, Buffer]>) => {
      const batch = db.batch();
      for (const [key, value] of entries) batch._put(key, value, none);
      batch._writeSync();
      batch._closeSync();
    };
    return {
      async putEach(entries) {
        for (const entry of entries) write([entry]);
      },
      async writeBatches(entries, size) {
        for (let i = 0; i < entries.length; i += size) write(entries.slice(i, i + size));
      },
      async getEach(keys) {
        let found = 0;
        for (const key of keys) if (db._getManySync([key])[0] !== undefined) found++;
        return found;
      },
      async scanAll() {
        const iterator = db.iterator({ keyEncoding: 'buffer', valueEncoding: 'buffer' });
        let seen = 0;
        for (;;) {
          const { rows, finished } = iterator._nextvSync(1000, none);
          seen += rows.length / 2;
          if (finished) break;
        }
        iterator._closeSync();
        return seen;
      },
      close: () => db.close(),
    };
  },
};

// ---- rocksdb (Level, leveldown API): callbacks only ---------------------------------------------------

type Callback<T = void> = (error: Error | null | undefined, result?: T) => void;
interface LevelDown {
  open(options: object, cb: Callback): void;
  close(cb: Callback): void;
  put(key: Buffer, value: Buffer, cb: Callback): void;
  get(key: Buffer, options: object, cb: Callback<Buffer>): void;
  batch(ops: object[], cb: Callback): void;
  iterator(options: object): {
    next(cb: (e: Error | null, k?: Buffer, v?: Buffer) => void): void;
    end(cb: Callback): void;
  };
}

function promised<T = void>(call: (cb: Callback<T>) => void): Promise<T | undefined> {
  return new Promise((resolve, reject) => call((error, result) => (error ? reject(error) : resolve(result))));
}

const level: BenchBinding = {
  name: 'rocksdb',
  version: packageVersion('rocksdb'),
  engine: '6.17.3',
  api: 'async',
  async open(location) {
    const db = (require('rocksdb') as (l: string) => LevelDown)(location);
    await promised((cb) => db.open({ createIfMissing: true }, cb));
    return {
      async putEach(entries) {
        for (const [key, value] of entries) await promised((cb) => db.put(key, value, cb));
      },
      async writeBatches(entries, size) {
        for (let i = 0; i < entries.length; i += size) {
          const ops = entries.slice(i, i + size).map(([key, value]) => ({ type: 'put', key, value }));
          await promised((cb) => db.batch(ops, cb));
        }
      },
      async getEach(keys) {
        let found = 0;
        for (const key of keys) {
          const value = await promised<Buffer>((cb) =>
            db.get(key, { asBuffer: true }, (error, result) =>
              error && /NotFound/.test(error.message) ? cb(null, undefined) : cb(error, result),
            ),
          );
          if (value !== undefined) found++;
        }
        return found;
      },
      async scanAll() {
        const iterator = db.iterator({ keyAsBuffer: true, valueAsBuffer: true });
        let seen = 0;
        for (;;) {
          const key = await new Promise<Buffer | undefined>((resolve, reject) =>
            iterator.next((error, k) => (error ? reject(error) : resolve(k))),
          );
          if (key === undefined) break;
          seen++;
        }
        await promised((cb) => iterator.end(cb));
        return seen;
      },
      close: () => promised((cb) => db.close(cb)).then(() => undefined),
    };
  },
};

// ---- rocksdb-native (Holepunch): promise-based read and write batches ---------------------------------

interface NativeBatch {
  put(key: Buffer, value: Buffer): Promise<void>;
  get(key: Buffer): Promise<Buffer | null>;
  flush(): Promise<void>;
  tryFlush(): void;
  destroy(): void;
}
interface NativeDb {
  ready(): Promise<void>;
  close(): Promise<void>;
  write(options?: object): NativeBatch;
  read(options?: object): NativeBatch;
  put(key: Buffer, value: Buffer): Promise<void>;
  get(key: Buffer): Promise<Buffer | null>;
  iterator(range: object, options?: object): AsyncIterable<{ key: Buffer; value: Buffer }>;
}

const holepunch: BenchBinding = {
  name: 'rocksdb-native',
  version: packageVersion('rocksdb-native'),
  engine: 'librocksdb (Holepunch fork)',
  api: 'async',
  async open(location) {
    const RocksDB = require('rocksdb-native') as new (l: string) => NativeDb;
    const db = new RocksDB(location);
    await db.ready();
    return {
      async putEach(entries) {
        for (const [key, value] of entries) await db.put(key, value);
      },
      async writeBatches(entries, size) {
        for (let i = 0; i < entries.length; i += size) {
          const batch = db.write({ capacity: size });
          for (const [key, value] of entries.slice(i, i + size)) batch.put(key, value);
          await batch.flush();
          batch.destroy();
        }
      },
      async getEach(keys) {
        let found = 0;
        for (const key of keys) if ((await db.get(key)) !== null) found++;
        return found;
      },
      async scanAll() {
        let seen = 0;
        for await (const _entry of db.iterator({}, { capacity: 1000 })) seen++;
        return seen;
      },
      close: () => db.close(),
    };
  },
};

/**
 * Bindings the project does not install, and how to add them for a comparison. Level's `rocksdb` is one:
 * its prebuilt binary aborts on Node 24 (`std::bad_alloc` at load), so installing it compiles RocksDB from
 * source, which took `npm ci` past 20 minutes on these 2-core machines.
 */
const OPTIONAL_INSTALL: Readonly<Record<string, string>> = {
  rocksdb: ' (to compare it: `npm install --no-save rocksdb@5.2.1`, which compiles RocksDB for about 20 min)',
};

/** Every binding that loads here; a binding that fails to load is reported and skipped. */
export function bindings(): BenchBinding[] {
  const all = [level, nxtedition, holepunch];
  return all.filter((binding) => {
    try {
      require.resolve(binding.name);
      return true;
    } catch {
      console.warn(`skipping ${binding.name}: not installed${OPTIONAL_INSTALL[binding.name] ?? ''}`);
      return false;
    }
  });
}
