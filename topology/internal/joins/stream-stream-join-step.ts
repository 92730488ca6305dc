/**
 * The DSL step of stream-stream windowed joins (Kafka Streams' `KStreamImplJoin`): repartition either side
 * whose key changed, keep each side's records in a window store (`this` and `other` window nodes), join
 * each record against the other side's store (`this` and `other` join nodes), merge both join nodes'
 * output, and record the co-partition group. Left and outer joins add a shared store of unmatched records.
 */

import { Stores } from '../../../state/index.js';
import type { JoinWindows } from '../../join-windows.js';
import type { KStream } from '../../kstream.js';
import { bytesSerde } from '../../serdes/bytes-serde.js';
import type { StreamJoined } from '../../stream-joined.js';
import { asUnknown, CopartitionGraphNode, ProcessorGraphNode } from '../graph/graph-node.js';
import { repartitionIfRequired } from '../graph/repartition-step.js';
import { passThroughSupplier } from '../operators/pass-through.js';
import { streamJoinWindowSupplier } from '../operators/stream-join-window.js';
import { type OuterJoinSpec, streamStreamJoinSupplier } from '../operators/stream-stream-join.js';
import type { TableJoinKind } from '../operators/table-table-join.js';
import { windowStoreBuilder } from '../windows/window-stores.js';

export function streamStreamJoin<K, V1, V2, VR>(
  left: KStream<K, V1>,
  right: KStream<K, V2>,
  joiner: (left: V1 | null, right: V2 | null) => VR,
  windows: JoinWindows,
  streamJoined: StreamJoined<K, V1, V2> | undefined,
  kind: TableJoinKind,
): KStream<K, VR> {
  const builder = left.builder;
  const named = (suffix: string, prefix: string) =>
    streamJoined?.name === undefined ? builder.newName(prefix) : `${streamJoined.name}-${suffix}`;
  const outer = kind !== 'inner';
  const thisJoinName = named('join-this', outer ? 'KSTREAM-OUTERTHIS' : 'KSTREAM-JOINTHIS');
  const otherJoinName = named('join-other', outer ? 'KSTREAM-OUTEROTHER' : 'KSTREAM-JOINOTHER');
  const base = streamJoined?.name ?? thisJoinName;
  const keySerde = streamJoined?.keySerde ?? left.keySerde ?? right.keySerde;
  const leftSerde = streamJoined?.valueSerde ?? left.valueSerde;
  const rightSerde = streamJoined?.otherValueSerde ?? right.valueSerde;
  const leftInput = repartitionIfRequired(left, `${base}-left`, thisJoinName, keySerde, leftSerde);
  const rightInput = repartitionIfRequired(right, `${base}-right`, otherJoinName, keySerde, rightSerde);

  const storeOptions = { storeType: streamJoined?.storeType, loggingEnabled: streamJoined?.loggingEnabled };
  const storeBase = (side: string, joinName: string) =>
    streamJoined?.storeName === undefined
      ? `${joinName}-store`
      : `${streamJoined.storeName}-${side}-join-store`;
  // Records wait for partners over the whole window span, and for late partners over the grace period.
  const span = windows.beforeMs + windows.afterMs;
  const shape = {
    windowSizeMs: Math.max(1, span),
    retentionMs: Math.max(1, span + windows.graceMs),
    retainDuplicates: true,
  };
  const thisStore = windowStoreBuilder(
    builder,
    storeBase('this', thisJoinName),
    storeOptions,
    shape,
    keySerde,
    leftSerde,
  );
  const otherStore = windowStoreBuilder(
    builder,
    storeBase('other', otherJoinName),
    storeOptions,
    shape,
    keySerde,
    rightSerde,
  );

  let outerSpec: OuterJoinSpec<K, V1, V2> | undefined;
  const outerStores = [];
  if (outer) {
    const name =
      streamJoined?.storeName === undefined
        ? `${builder.newName('KSTREAM-OUTERSHARED')}-store`
        : `${streamJoined.storeName}-outer-join-store`;
    const persistent = (streamJoined?.storeType ?? builder.defaultStoreType) !== 'in_memory';
    const store = Stores.keyValueStoreBuilder(
      persistent ? Stores.persistentKeyValueStore(name) : Stores.inMemoryKeyValueStore(name),
      bytesSerde(),
      bytesSerde(),
    );
    if (streamJoined?.loggingEnabled === false) store.withLoggingDisabled();
    outerStores.push(store);
    outerSpec = {
      storeName: name,
      keySerde: builder.keySerde(keySerde),
      leftSerde: builder.valueSerde(leftSerde),
      rightSerde: builder.valueSerde(rightSerde),
      leftOuter: true,
      rightOuter: kind === 'outer',
    };
  }

  const thisWindowName = named('this-windowed', 'KSTREAM-WINDOWED');
  const otherWindowName = named('other-windowed', 'KSTREAM-WINDOWED');
  const mergeName = named('merge', 'KSTREAM-MERGE');
  builder.addNode(
    new ProcessorGraphNode(
      thisWindowName,
      [leftInput.nodeName],
      asUnknown(streamJoinWindowSupplier(thisStore.name)),
      [thisStore],
    ),
  );
  builder.addNode(
    new ProcessorGraphNode(
      otherWindowName,
      [rightInput.nodeName],
      asUnknown(streamJoinWindowSupplier(otherStore.name)),
      [otherStore],
    ),
  );
  builder.addNode(
    new ProcessorGraphNode(
      thisJoinName,
      [thisWindowName],
      asUnknown(streamStreamJoinSupplier('left', otherStore.name, windows, joiner, outerSpec)),
      outerStores,
      [otherStore.name],
    ),
  );
  builder.addNode(
    new ProcessorGraphNode(
      otherJoinName,
      [otherWindowName],
      asUnknown(streamStreamJoinSupplier('right', thisStore.name, windows, joiner, outerSpec)),
      [],
      [thisStore.name, ...outerStores.map((s) => s.name)],
    ),
  );
  builder.addNode(
    new ProcessorGraphNode(mergeName, [thisJoinName, otherJoinName], asUnknown(passThroughSupplier<K, VR>())),
  );
  const sources = [...new Set([...leftInput.sourceNodes, ...rightInput.sourceNodes])];
  builder.addNode(new CopartitionGraphNode(`${mergeName}-copartition`, sources));
  return builder.dsl.stream<K, VR>(builder, mergeName, keySerde, undefined, undefined, sources);
}
