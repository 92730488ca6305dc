import { describe, expectTypeOf, it } from 'vitest';
import {
  type KeyValueIterator,
  type KeyValueStore,
  type RecordHeaders,
  type SessionStore,
  type StoreBuilder,
  Stores,
  type Windowed,
  type WindowStore,
} from '../../../state/index.js';
import { int32Serde, jsonSerde, stringSerde } from './support/serdes.js';

describe('Stores typing', () => {
  it('infers key and value types from the serdes through builders and options', () => {
    const builder = Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore('s'), stringSerde, int32Serde)
      .withCachingEnabled()
      .withLoggingDisabled();
    expectTypeOf(builder).toMatchTypeOf<StoreBuilder<KeyValueStore<string, number>>>();
    const store = builder.build();
    expectTypeOf(store.get).returns.toEqualTypeOf<number | undefined>();
    expectTypeOf(store.range).returns.toEqualTypeOf<KeyValueIterator<string, number>>();
    expectTypeOf(store.setFlushListener)
      .parameter(0)
      .toEqualTypeOf<
        (
          key: string,
          newValue: number | undefined,
          oldValue: number | undefined,
          timestamp: number,
          headers?: RecordHeaders,
        ) => void
      >();
  });

  it('types window and session stores by their serdes', () => {
    const windows = Stores.windowStoreBuilder(
      Stores.inMemoryWindowStore('w', 60_000, 1_000, false),
      int32Serde,
      jsonSerde<{ total: number }>(),
    ).build();
    expectTypeOf(windows).toMatchTypeOf<WindowStore<number, { total: number }>>();
    expectTypeOf(windows.fetchAll).returns.toEqualTypeOf<
      KeyValueIterator<Windowed<number>, { total: number }>
    >();
    const sessions = Stores.sessionStoreBuilder(
      Stores.inMemorySessionStore('s', 60_000),
      stringSerde,
      int32Serde,
    ).build();
    expectTypeOf(sessions).toMatchTypeOf<SessionStore<string, number>>();
    expectTypeOf(sessions.fetchSession).returns.toEqualTypeOf<number | undefined>();
  });
});
