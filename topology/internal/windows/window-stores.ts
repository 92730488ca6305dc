/**
 * Builders of the window and session stores behind windowed steps, from the step's `Materialized` options
 * (store type, caching, logging) and serdes, the way `InternalStreamsBuilder.keyValueStore` does for
 * key-value stores.
 */
import type { Serde } from '../../../schemas/serde.js';
import { type SessionStoreBuilder, Stores, type WindowStoreBuilder } from '../../../state/index.js';
import { TopologyError } from '../../errors.js';
import type { Materialized } from '../../materialized.js';
import type { InternalStreamsBuilder } from '../graph/internal-streams-builder.js';

/**
 * The options of a `Materialized` that apply to any store of the step (not its name or serdes). Caching is
 * off unless `cachingEnabled` is true: aggregations pass {@link aggregationStoreOptions}, joins do not.
 */
export type StoreOptions = Partial<
  Pick<Materialized, 'storeType' | 'cachingEnabled' | 'loggingEnabled' | 'changelogConfig'>
>;

/** The shape of a window store. */
export interface WindowStoreShape {
  readonly retentionMs: number;
  readonly windowSizeMs: number;
  /** Keep every value put for a window (stream-stream joins), not only the last. */
  readonly retainDuplicates: boolean;
}

function applyOptions<B extends WindowStoreBuilder<never, never> | SessionStoreBuilder<never, never>>(
  store: B,
  options: StoreOptions | undefined,
): B {
  if (options?.cachingEnabled) store.withCachingEnabled();
  if (options?.loggingEnabled === false) store.withLoggingDisabled();
  else if (options?.changelogConfig !== undefined) store.withLoggingEnabled(options.changelogConfig);
  return store;
}

/** A windowed aggregation's store options: cached unless `withCachingDisabled()`, as in Kafka Streams. */
export function aggregationStoreOptions(materialized: Materialized | undefined): StoreOptions {
  return {
    storeType: materialized?.storeType,
    loggingEnabled: materialized?.loggingEnabled,
    changelogConfig: materialized?.changelogConfig,
    cachingEnabled: materialized?.cachingEnabled ?? true,
  };
}

function persistent(builder: InternalStreamsBuilder, options: StoreOptions | undefined): boolean {
  return (options?.storeType ?? builder.defaultStoreType) !== 'in_memory';
}

/** A window store builder called `name`; serdes left undefined fall back to the builder's defaults. */
export function windowStoreBuilder<K, V>(
  builder: InternalStreamsBuilder,
  name: string,
  options: StoreOptions | undefined,
  shape: WindowStoreShape,
  keySerde: Serde<K> | undefined,
  valueSerde: Serde<V> | undefined,
): WindowStoreBuilder<K, V> {
  const supplier = persistent(builder, options)
    ? Stores.persistentWindowStore(name, shape.retentionMs, shape.windowSizeMs, shape.retainDuplicates)
    : Stores.inMemoryWindowStore(name, shape.retentionMs, shape.windowSizeMs, shape.retainDuplicates);
  const store = Stores.windowStoreBuilder(
    supplier,
    builder.keySerde(keySerde),
    builder.valueSerde(valueSerde),
  );
  return applyOptions(store as WindowStoreBuilder<never, never>, options) as WindowStoreBuilder<K, V>;
}

/** A session store builder called `name`; serdes left undefined fall back to the builder's defaults. */
export function sessionStoreBuilder<K, V>(
  builder: InternalStreamsBuilder,
  name: string,
  options: StoreOptions | undefined,
  retentionMs: number,
  keySerde: Serde<K> | undefined,
  valueSerde: Serde<V> | undefined,
): SessionStoreBuilder<K, V> {
  const supplier = persistent(builder, options)
    ? Stores.persistentSessionStore(name, retentionMs)
    : Stores.inMemorySessionStore(name, retentionMs);
  const store = Stores.sessionStoreBuilder(
    supplier,
    builder.keySerde(keySerde),
    builder.valueSerde(valueSerde),
  );
  return applyOptions(store as SessionStoreBuilder<never, never>, options) as SessionStoreBuilder<K, V>;
}

/**
 * The retention of a windowed step's store: `Materialized.withRetention` when given (at least `minimumMs`,
 * or a coded error), else `minimumMs`.
 */
export function retentionOf(materialized: Materialized | undefined, minimumMs: number, step: string): number {
  const asked = materialized?.retentionMs;
  if (asked === undefined) return minimumMs;
  if (!Number.isSafeInteger(asked) || asked < minimumMs) {
    throw new TopologyError(
      'STRM_ERR_TOPOLOGY_INVALID_ARGUMENT',
      `${step}: a retention of ${asked} ms is shorter than the ${minimumMs} ms the windows need (size plus grace period); pass withRetention(${minimumMs}) or more`,
    );
  }
  return asked;
}
