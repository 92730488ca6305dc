/**
 * How DSL steps create the public objects they return (`KStream`, `KTable`, grouped and windowed
 * streams, split streams) without importing their classes: `StreamsBuilder` hands the constructors down
 * through its {@link InternalStreamsBuilder}. So the public classes and the internal steps (joins,
 * windows, suppression) never import one another in a circle, and the public DSL classes only build the
 * graph (`test/unit/topology/import-graph.test.ts`).
 */
import type { Serde } from '../../../schemas/serde.js';
import type { BranchedKStream } from '../../branched-kstream.js';
import type { GlobalKTable } from '../../global-ktable.js';
import type { Grouped } from '../../grouped.js';
import type { KGroupedStream } from '../../kgrouped-stream.js';
import type { KGroupedTable } from '../../kgrouped-table.js';
import type { KStream } from '../../kstream.js';
import type { KTable } from '../../ktable.js';
import type { SessionWindowedKStream } from '../../session-windowed-kstream.js';
import type { SessionWindows } from '../../session-windows.js';
import type { SlidingWindows } from '../../sliding-windows.js';
import type { TimeWindowedKStream } from '../../time-windowed-kstream.js';
import type { TimeWindows } from '../../time-windows.js';
import type { TableValueGetterSupplier } from '../operators/table-value-getter.js';
import type { InternalStreamsBuilder } from './internal-streams-builder.js';

/** The constructors of the public DSL objects, and the tests of what an argument is. */
export interface DslFactory {
  /** A stream whose records leave `nodeName` (see `KStream`'s constructor). */
  stream<K, V>(
    builder: InternalStreamsBuilder,
    nodeName: string,
    keySerde: Serde<K> | undefined,
    valueSerde: Serde<V> | undefined,
    keyChangedBy: string | undefined,
    sourceNodes: readonly string[],
  ): KStream<K, V>;
  /** A table whose changes leave `nodeName` (see `KTable`'s constructor). */
  table<K, V>(
    builder: InternalStreamsBuilder,
    nodeName: string,
    keySerde: Serde<K> | undefined,
    valueSerde: Serde<V> | undefined,
    storeName: string | undefined,
    sourceNodes: readonly string[],
    valueGetter?: TableValueGetterSupplier<K, V>,
  ): KTable<K, V>;
  groupedStream<K, V>(stream: KStream<K, V>, grouped: Grouped<K, V> | undefined): KGroupedStream<K, V>;
  groupedTable<K, V>(
    builder: InternalStreamsBuilder,
    selectNode: string,
    grouped: Grouped<K, V> | undefined,
  ): KGroupedTable<K, V>;
  branched<K, V>(stream: KStream<K, V>, prefix: string): BranchedKStream<K, V>;
  timeWindowed<K, V>(
    grouped: KGroupedStream<K, V>,
    windows: TimeWindows | SlidingWindows,
  ): TimeWindowedKStream<K, V>;
  sessionWindowed<K, V>(grouped: KGroupedStream<K, V>, windows: SessionWindows): SessionWindowedKStream<K, V>;
  isStream(value: unknown): value is KStream<unknown, unknown>;
  isTable(value: unknown): value is KTable<unknown, unknown>;
  isGlobalTable(value: unknown): value is GlobalKTable<unknown, unknown>;
}
