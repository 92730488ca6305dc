/**
 * `KStream<K, V>`: an unbounded stream of independent records. Every method appends a step to the
 * builder's graph and returns a new stream whose key and value types are inferred from the step, so a
 * chain of steps needs no type annotations.
 */

import type { Serde } from '../schemas/serde.js';
import type { KeyValue } from '../state/store.js';
import type { BranchedKStream } from './branched-kstream.js';
import type { GlobalKTable } from './global-ktable.js';
import type { Grouped } from './grouped.js';
import {
  asUnknown,
  ProcessorGraphNode,
  RepartitionGraphNode,
  SinkGraphNode,
} from './internal/graph/graph-node.js';
import type { InternalStreamsBuilder } from './internal/graph/internal-streams-builder.js';
import { repartitionIfRequired } from './internal/graph/repartition-step.js';
import { kstreamJoin } from './internal/joins/kstream-joins.js';
import { filterSupplier } from './internal/operators/filter.js';
import { flatMapSupplier } from './internal/operators/flat-map.js';
import { flatMapValuesSupplier } from './internal/operators/flat-map-values.js';
import { mapSupplier } from './internal/operators/map.js';
import { mapValuesSupplier } from './internal/operators/map-values.js';
import { passThroughSupplier } from './internal/operators/pass-through.js';
import { peekSupplier } from './internal/operators/peek.js';
import { tableSourceSupplier } from './internal/operators/table-source.js';
import type { JoinWindows } from './join-windows.js';
import type { Joined } from './joined.js';
import type { KGroupedStream } from './kgrouped-stream.js';
import type { KTable } from './ktable.js';
import type { Materialized } from './materialized.js';
import { Named } from './named.js';
import type { ProcessorSupplier } from './processor.js';
import type { Produced } from './produced.js';
import type { Repartitioned } from './repartitioned.js';
import type { StreamJoined } from './stream-joined.js';
import type { TopicNameExtractor } from './topology-types.js';

/** What a stream step produces: the node it ends at and what it knows about its records. */
interface StepOptions<K2, V2> {
  readonly keySerde: Serde<K2> | undefined;
  readonly valueSerde: Serde<V2> | undefined;
  /** The node that last changed the key without a repartition since, if any. */
  readonly keyChangedBy: string | undefined;
  readonly connectedStores?: readonly string[];
  readonly name?: string;
}

/**
 * A stream of records with keys of type `K` and values of type `V`.
 *
 * @example
 * builder
 *   .stream('orders', Consumed.with(Serdes.string(), Serdes.json<Order>()))
 *   .filter((id, order) => order.total > 0)
 *   .mapValues((order) => order.total)       // KStream<string, number>
 *   .to('order-totals', Produced.with(Serdes.string(), Serdes.number()));
 */
export class KStream<K, V> {
  /** @internal Streams are created by `StreamsBuilder` and by other streams' steps. */
  constructor(
    /** @internal */ readonly builder: InternalStreamsBuilder,
    /** @internal The graph node this stream's records leave from. */ readonly nodeName: string,
    /** @internal */ readonly keySerde: Serde<K> | undefined,
    /** @internal */ readonly valueSerde: Serde<V> | undefined,
    /** @internal The node that changed the key, when a stateful step would need a repartition. */
    readonly keyChangedBy: string | undefined,
    /** @internal Source nodes feeding this stream within its sub-topology (for co-partitioning). */
    readonly sourceNodes: readonly string[],
  ) {}

  /** Keeps records for which `predicate` is true; a type guard narrows the value type. */
  filter<V2 extends V>(predicate: (key: K, value: V) => value is V2, named?: Named): KStream<K, V2>;
  filter(predicate: (key: K, value: V) => boolean, named?: Named): KStream<K, V>;
  filter(predicate: (key: K, value: V) => boolean, named?: Named): KStream<K, V> {
    return this.step('KSTREAM-FILTER', filterSupplier(predicate, false), this.sameShape(named));
  }

  /** Drops records for which `predicate` is true. */
  filterNot(predicate: (key: K, value: V) => boolean, named?: Named): KStream<K, V> {
    return this.step('KSTREAM-FILTER', filterSupplier(predicate, true), this.sameShape(named));
  }

  /** A new key and value per record. Changes the key: a later stateful step repartitions first. */
  map<K2, V2>(mapper: (key: K, value: V) => KeyValue<K2, V2>, named?: Named): KStream<K2, V2> {
    const name = named?.name ?? this.builder.newName('KSTREAM-MAP');
    return this.step(name, mapSupplier(mapper), {
      keySerde: undefined,
      valueSerde: undefined,
      keyChangedBy: name,
      name,
    });
  }

  /** A new value per record; the key (and partitioning) stays. */
  mapValues<V2>(mapper: (value: V, key: K) => V2, named?: Named): KStream<K, V2> {
    return this.step('KSTREAM-MAPVALUES', mapValuesSupplier(mapper), {
      keySerde: this.keySerde,
      valueSerde: undefined,
      keyChangedBy: this.keyChangedBy,
      name: named?.name,
    });
  }

  /** Zero or more records per record, with new keys. Changes the key. */
  flatMap<K2, V2>(mapper: (key: K, value: V) => Iterable<KeyValue<K2, V2>>, named?: Named): KStream<K2, V2> {
    const name = named?.name ?? this.builder.newName('KSTREAM-FLATMAP');
    return this.step(name, flatMapSupplier(mapper), {
      keySerde: undefined,
      valueSerde: undefined,
      keyChangedBy: name,
      name,
    });
  }

  /** Zero or more values per record, each with the record's key. */
  flatMapValues<V2>(mapper: (value: V, key: K) => Iterable<V2>, named?: Named): KStream<K, V2> {
    return this.step('KSTREAM-FLATMAPVALUES', flatMapValuesSupplier(mapper), {
      keySerde: this.keySerde,
      valueSerde: undefined,
      keyChangedBy: this.keyChangedBy,
      name: named?.name,
    });
  }

  /** A new key per record, value unchanged. Changes the key. */
  selectKey<K2>(selector: (key: K, value: V) => K2, named?: Named): KStream<K2, V> {
    const name = named?.name ?? this.builder.newName('KSTREAM-KEY-SELECT');
    return this.step(
      name,
      mapSupplier((key: K, value: V) => ({ key: selector(key, value), value })),
      {
        keySerde: undefined,
        valueSerde: this.valueSerde,
        keyChangedBy: name,
        name,
      },
    );
  }

  /** Calls `action` for each record (logging, metrics) and passes the record on unchanged. */
  peek(action: (key: K, value: V) => void, named?: Named): KStream<K, V> {
    return this.step('KSTREAM-PEEK', peekSupplier(action), this.sameShape(named));
  }

  /** Calls `action` for each record; a terminal step (nothing follows it). */
  foreach(action: (key: K, value: V) => void, named?: Named): void {
    this.step('KSTREAM-FOREACH', peekSupplier(action), this.sameShape(named));
  }

  /**
   * Splits the stream into named branches: each record goes to the first branch whose predicate accepts
   * it. `prefix` prefixes the branch node names.
   *
   * @example
   * const { big, small } = orders.split().branch((k, o) => o.total > 100, 'big').defaultBranch('small');
   */
  split(prefix?: string): BranchedKStream<K, V> {
    return this.builder.dsl.branched(this, prefix ?? `${this.builder.newName('KSTREAM-BRANCH')}-`);
  }

  /** Both streams' records in one stream, in the order they arrive. */
  merge(other: KStream<K, V>, named?: Named): KStream<K, V> {
    const name = named?.name ?? this.builder.newName('KSTREAM-MERGE');
    this.builder.addNode(
      new ProcessorGraphNode(name, [this.nodeName, other.nodeName], asUnknown(passThroughSupplier<K, V>())),
    );
    return new KStream(
      this.builder,
      name,
      this.keySerde ?? other.keySerde,
      this.valueSerde ?? other.valueSerde,
      this.keyChangedBy ?? other.keyChangedBy,
      [...new Set([...this.sourceNodes, ...other.sourceNodes])],
    );
  }

  /**
   * Runs a Processor API processor on each record, with access to the named stores (added with
   * `builder.addStateStore`). The processor may forward any key, so the result counts as key-changed.
   * A {@link Named} before the store names names the processor.
   *
   * @example
   * orders.process(dedupe, Named.as('dedupe-orders'), 'seen-order-ids');
   */
  process<KOut, VOut>(
    supplier: ProcessorSupplier<K, V, KOut, VOut>,
    ...namedAndStores: [Named, ...string[]] | string[]
  ): KStream<KOut, VOut> {
    const [named, storeNames] = splitNamed(namedAndStores);
    const name = named?.name ?? this.builder.newName('KSTREAM-PROCESSOR');
    return this.step(name, supplier, {
      keySerde: undefined,
      valueSerde: undefined,
      keyChangedBy: name,
      connectedStores: storeNames,
      name,
    });
  }

  /** Like `process`, for processors that keep each record's key (no repartition needed afterwards). */
  processValues<VOut>(
    supplier: ProcessorSupplier<K, V, K, VOut>,
    ...namedAndStores: [Named, ...string[]] | string[]
  ): KStream<K, VOut> {
    const [named, storeNames] = splitNamed(namedAndStores);
    return this.step('KSTREAM-PROCESSVALUES', supplier, {
      keySerde: this.keySerde,
      valueSerde: undefined,
      keyChangedBy: this.keyChangedBy,
      connectedStores: storeNames,
      name: named?.name,
    });
  }

  /** Groups by the current key, for an aggregation. Repartitions first if the key was changed. */
  groupByKey(grouped?: Grouped<K, V>): KGroupedStream<K, V> {
    return this.builder.dsl.groupedStream(this, grouped);
  }

  /** Groups by a new key computed per record (always repartitions before the aggregation). */
  groupBy<K2>(selector: (key: K, value: V) => K2, grouped?: Grouped<K2, V>): KGroupedStream<K2, V> {
    const keyed = this.selectKey(selector);
    return this.builder.dsl.groupedStream(keyed, grouped);
  }

  /**
   * A table of the latest value per key of this stream (a `null` value deletes the key), in a store named
   * by `materialized` (or generated). Repartitions first if the key was changed.
   */
  toTable(materialized?: Materialized<K, V>): KTable<K, V> {
    const name = this.builder.newName('KSTREAM-TOTABLE');
    const storeName = materialized?.storeName ?? this.builder.newStoreName('KSTREAM-TOTABLE');
    const input = repartitionIfRequired(this, storeName, name);
    const store = this.builder.keyValueStore(materialized, storeName, this.keySerde, this.valueSerde);
    this.builder.addNode(
      new ProcessorGraphNode(name, [input.nodeName], asUnknown(tableSourceSupplier<K, V>(store.name, true)), [
        store,
      ]),
    );
    return this.builder.dsl.table<K, V>(
      this.builder,
      name,
      materialized?.keySerde ?? this.keySerde,
      materialized?.valueSerde ?? this.valueSerde,
      store.name,
      input.sourceNodes,
    );
  }

  /**
   * Inner join, keyed by the record key:
   * - with a table: each record is joined with the table's current row for its key (records without a
   *   row are dropped; table updates emit nothing). The stream is repartitioned first if its key changed.
   * - with another stream: each pair of records of the same key within `windows` is joined, whichever
   *   arrives first. Both streams are repartitioned first if their key changed.
   * - with a global table: each record is joined with the row `keySelector` names (no repartition).
   *
   * Joined topics must be co-partitioned (same partition count); the runtime checks it at start.
   *
   * @example
   * const enriched = bookings.join(rooms, (booking, room) => ({ ...booking, rate: room.rate }));
   * const paid = bookings.join(payments, (b, p) => ({ ...b, paidAt: p.at }), JoinWindows.ofTimeDifferenceWithNoGrace(60_000));
   */
  join<VT, VR>(
    table: KTable<K, VT>,
    joiner: (value: V, tableValue: VT) => VR,
    joined?: Joined<K, V, VT>,
  ): KStream<K, VR>;
  join<VO, VR>(
    other: KStream<K, VO>,
    joiner: (value: V, otherValue: VO) => VR,
    windows: JoinWindows,
    streamJoined?: StreamJoined<K, V, VO>,
  ): KStream<K, VR>;
  join<GK, GV, VR>(
    globalTable: GlobalKTable<GK, GV>,
    keySelector: (key: K, value: V) => GK,
    joiner: (value: V, globalValue: GV) => VR,
  ): KStream<K, VR>;
  join(other: unknown, ...args: unknown[]): KStream<K, unknown> {
    return kstreamJoin(this, 'inner', other, args);
  }

  /**
   * Left join: like {@link KStream.join}, but every record of this stream is emitted, joined with `null`
   * when it has no table row, or (with a stream) no partner within the window; with a stream, such a
   * record is emitted only once its window has closed (stream time past it plus the grace period).
   */
  leftJoin<VT, VR>(
    table: KTable<K, VT>,
    joiner: (value: V, tableValue: VT | null) => VR,
    joined?: Joined<K, V, VT>,
  ): KStream<K, VR>;
  leftJoin<VO, VR>(
    other: KStream<K, VO>,
    joiner: (value: V, otherValue: VO | null) => VR,
    windows: JoinWindows,
    streamJoined?: StreamJoined<K, V, VO>,
  ): KStream<K, VR>;
  leftJoin<GK, GV, VR>(
    globalTable: GlobalKTable<GK, GV>,
    keySelector: (key: K, value: V) => GK,
    joiner: (value: V, globalValue: GV | null) => VR,
  ): KStream<K, VR>;
  leftJoin(other: unknown, ...args: unknown[]): KStream<K, unknown> {
    return kstreamJoin(this, 'left', other, args);
  }

  /**
   * Outer join of two streams: every record of either stream is emitted, joined with its partners within
   * `windows`, or with `null` on the missing side once its window has closed.
   */
  outerJoin<VO, VR>(
    other: KStream<K, VO>,
    joiner: (value: V | null, otherValue: VO | null) => VR,
    windows: JoinWindows,
    streamJoined?: StreamJoined<K, V, VO>,
  ): KStream<K, VR> {
    return kstreamJoin(this, 'outer', other, [joiner, windows, streamJoined]) as KStream<K, VR>;
  }

  /**
   * Declares that this stream is already partitioned the way a later stateful step needs, although a step
   * changed its key, so no repartition topic follows (Kafka Streams' `markAsPartitioned()`, KIP-759).
   * Sound only when all records of each new key come from one input partition, e.g. a key that refines
   * the partitioning key (`hotel` → `hotel|room type|night`): the state of every new key then lives in the
   * task of its old key, and interactive queries must find that task by the old key. Adds no node.
   */
  markAsPartitioned(): KStream<K, V> {
    return new KStream(
      this.builder,
      this.nodeName,
      this.keySerde,
      this.valueSerde,
      undefined,
      this.sourceNodes,
    );
  }

  /**
   * Sends records through an internal topic (`<applicationId>-<name>-repartition`) so that they are
   * partitioned by their current key; what follows runs in a new sub-topology.
   */
  repartition(repartitioned?: Repartitioned<K, V>): KStream<K, V> {
    const base = repartitioned?.name ?? this.builder.newName('KSTREAM-REPARTITION');
    const keySerde = repartitioned?.keySerde ?? this.keySerde;
    const valueSerde = repartitioned?.valueSerde ?? this.valueSerde;
    const node = new RepartitionGraphNode(
      base,
      this.nodeName,
      this.builder.keySerde(keySerde) as Serde<unknown>,
      this.builder.valueSerde(valueSerde) as Serde<unknown>,
      repartitioned?.numberOfPartitions,
      repartitioned?.partitioner as RepartitionGraphNode['partitioner'],
    );
    this.builder.addNode(node);
    return new KStream(this.builder, node.sourceName, keySerde, valueSerde, undefined, [node.sourceName]);
  }

  /**
   * Writes every record to a topic, or to a topic chosen per record. Serdes encode `null` as a tombstone,
   * so a stream of `V | null` (a table's changes) is written with a `Produced` of `V`.
   */
  to(
    topic: string | TopicNameExtractor<K, V>,
    produced?: Produced<K, V> | Produced<K, NonNullable<V>>,
  ): void {
    const name = produced?.processorName ?? this.builder.newName('KSTREAM-SINK');
    this.builder.addNode(
      new SinkGraphNode(
        name,
        this.nodeName,
        topic as string | TopicNameExtractor<unknown, unknown>,
        this.builder.keySerde(produced?.keySerde ?? this.keySerde) as Serde<unknown>,
        this.builder.valueSerde<unknown>(produced?.valueSerde ?? this.valueSerde),
        produced?.partitioner as SinkGraphNode['partitioner'],
      ),
    );
  }

  /** Appends a processor step fed by this stream. */
  private step<K2, V2>(
    prefixOrName: string,
    supplier: ProcessorSupplier<K, V, K2, V2>,
    options: StepOptions<K2, V2>,
  ): KStream<K2, V2> {
    const name = options.name ?? this.builder.newName(prefixOrName);
    this.builder.addNode(
      new ProcessorGraphNode(name, [this.nodeName], asUnknown(supplier), [], options.connectedStores ?? []),
    );
    return new KStream(
      this.builder,
      name,
      options.keySerde,
      options.valueSerde,
      options.keyChangedBy,
      this.sourceNodes,
    );
  }

  private sameShape(named?: Named): StepOptions<K, V> {
    return {
      keySerde: this.keySerde,
      valueSerde: this.valueSerde,
      keyChangedBy: this.keyChangedBy,
      name: named?.name,
    };
  }
}

/** `process(supplier, Named.as('x'), 'store')` or `process(supplier, 'store')`: the name, then the stores. */
function splitNamed(args: ReadonlyArray<Named | string>): [Named | undefined, string[]] {
  const [first, ...rest] = args;
  return first instanceof Named ? [first, rest as string[]] : [undefined, args as string[]];
}
