/** The store setups every contract suite runs over: both inner stores, bare and with each layer. */

/** One way of building a store. */
export interface StoreSetup {
  readonly label: string;
  readonly persistent: boolean;
  readonly logging: boolean;
  readonly caching: boolean;
}

/** In memory and on RocksDB, each bare, logged, and cached + logged. */
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
