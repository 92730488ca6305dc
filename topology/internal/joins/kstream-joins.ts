/**
 * `KStream.join/leftJoin/outerJoin`: picks the join by what the stream is joined with (a table, a global
 * table or another stream) and checks the arguments the chosen join needs.
 */
import { TopologyError } from '../../errors.js';
import type { GlobalKTable } from '../../global-ktable.js';
import { JoinWindows } from '../../join-windows.js';
import type { Joined } from '../../joined.js';
import type { KStream } from '../../kstream.js';
import type { KTable } from '../../ktable.js';
import type { StreamJoined } from '../../stream-joined.js';
import type { TableJoinKind } from '../operators/table-table-join.js';
import { streamStreamJoin } from './stream-stream-join-step.js';
import { streamGlobalTableJoin, streamTableJoin } from './stream-table-join-step.js';

type AnyJoiner = (a: unknown, b: unknown) => unknown;

export function kstreamJoin<K, V>(
  stream: KStream<K, V>,
  kind: TableJoinKind,
  other: unknown,
  args: readonly unknown[],
): KStream<K, unknown> {
  const dsl = stream.builder.dsl;
  const method = kind === 'inner' ? 'join' : kind === 'left' ? 'leftJoin' : 'outerJoin';
  if (dsl.isStream(other)) {
    const [joiner, windows, streamJoined] = args;
    if (!(windows instanceof JoinWindows)) {
      throw new TopologyError(
        'STRM_ERR_TOPOLOGY_INVALID_ARGUMENT',
        `${method} of two streams needs a JoinWindows as its third argument (how far apart in time records may join); pass e.g. JoinWindows.ofTimeDifferenceAndGrace(60_000, 0)`,
      );
    }
    return streamStreamJoin(
      stream as KStream<K, unknown>,
      other as KStream<K, unknown>,
      joiner as AnyJoiner,
      windows,
      streamJoined as StreamJoined<K, unknown, unknown> | undefined,
      kind,
    );
  }
  if (kind === 'outer') {
    throw new TopologyError(
      'STRM_ERR_TOPOLOGY_INVALID_ARGUMENT',
      'a stream can be outer-joined only with another stream (a table or global table has no records to drive the right side); use leftJoin',
    );
  }
  if (dsl.isTable(other)) {
    const [joiner, joined] = args;
    return streamTableJoin(
      stream,
      other as KTable<K, unknown>,
      joiner as AnyJoiner,
      joined as Joined<K, V, unknown> | undefined,
      kind === 'left',
    );
  }
  if (dsl.isGlobalTable(other)) {
    const [keySelector, joiner] = args;
    return streamGlobalTableJoin(
      stream,
      other as GlobalKTable<unknown, unknown>,
      keySelector as (key: K, value: V) => unknown,
      joiner as AnyJoiner,
      kind === 'left',
    );
  }
  throw new TopologyError(
    'STRM_ERR_TOPOLOGY_INVALID_ARGUMENT',
    `${method} takes a KTable, a GlobalKTable or a KStream of the same builder, not ${String(other)}`,
  );
}
