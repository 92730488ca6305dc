/** The store setups every contract suite runs over (both inner stores, bare and with each layer), and its harness. */
import { afterEach, beforeEach } from 'vitest';
import { DEFAULT_CACHE_MAX_BYTES, type StateStore, ThreadCache } from '../../../../state/index.js';
import { type TestContext, tempStateDir, testContext } from './context.js';

/** One way of building a store. */
export interface StoreSetup {
  readonly label: string;
  readonly persistent: boolean;
  readonly logging: boolean;
  readonly caching: boolean;
}

/**
 * In memory and on RocksDB, each bare, logged, and cached + logged. A cached store shares its task's share
 * of an instance-wide record cache (10 MiB, the default), as under the runtime.
 */
export const storeSetups: readonly StoreSetup[] = [false, true].flatMap((persistent) =>
  [
    { logging: false, caching: false },
    { logging: true, caching: false },
    { logging: true, caching: true },
  ].map(({ logging, caching }) => ({
    label: `${persistent ? 'rocksdb' : 'in-memory'}${logging ? ' + logging' : ''}${caching ? ' + caching' : ''}`,
    persistent,
    logging,
    caching,
  })),
);

/** What {@link storeHarness} needs of a store builder (every `Stores.*StoreBuilder` is one). */
export interface ConfigurableStoreBuilder<B> {
  withLoggingEnabled(): B;
  withLoggingDisabled(): B;
  withCachingEnabled(): B;
  withCachingDisabled(): B;
  build(): StateStore;
}

/** A suite's per-test state directory and context, and the stores opened in it. */
export interface StoreHarness {
  /** The context of the running test (a fresh one per test). */
  readonly context: TestContext;
  /** Builds a store with the setup's logging and caching, initialises it, and closes it after the test. */
  open<B extends ConfigurableStoreBuilder<B>>(builder: B): Promise<ReturnType<B['build']>>;
}

/**
 * Registers the hooks of a contract suite run over `setup` (call it inside `describe`): each test gets a
 * fresh temp state directory and context, and every store it opened is closed and the directory removed.
 */
export function storeHarness(setup: StoreSetup): StoreHarness {
  let cleanup: () => Promise<void> = async () => undefined;
  let context: TestContext | undefined;
  const opened: StateStore[] = [];

  beforeEach(async () => {
    const temp = await tempStateDir();
    cleanup = temp.cleanup;
    context = testContext(
      temp.dir,
      '0_0',
      setup.caching ? new ThreadCache(DEFAULT_CACHE_MAX_BYTES).addTask('0_0') : undefined,
    );
  });

  afterEach(async () => {
    for (const store of opened.splice(0)) await store.close().catch(() => undefined);
    await cleanup();
  });

  return {
    get context(): TestContext {
      if (context === undefined) throw new Error('storeHarness: the context exists only while a test runs');
      return context;
    },
    async open<B extends ConfigurableStoreBuilder<B>>(builder: B): Promise<ReturnType<B['build']>> {
      const logged = setup.logging ? builder.withLoggingEnabled() : builder.withLoggingDisabled();
      const store = (setup.caching ? logged.withCachingEnabled() : logged.withCachingDisabled()).build();
      await store.init(this.context);
      opened.push(store);
      return store as ReturnType<B['build']>;
    },
  };
}
