/**
 * One side's join node of a stream-stream windowed join (Kafka Streams' `KStreamKStreamJoin`). A record
 * (already kept in its own side's window store) looks up the other side's window store for records of the
 * same key within the join window and forwards one joined value per partner, timestamped with the later
 * of the two. In a left or outer join, a record that finds no partner is held in the shared
 * {@link OuterJoinBuffer} and emitted joined with `null` once stream time passes its window plus the grace
 * period, unless a partner comes first; so no result is emitted that a later partner would contradict.
 * Closed records are emitted before each join record is processed and from a stream-time punctuator.
 */
import type { Serde } from '../../../schemas/serde.js';
import type { KeyValueStore, WindowStore } from '../../../state/store.js';
import type { JoinWindows } from '../../join-windows.js';
import type { ProcessorContext, ProcessorSupplier } from '../../processor.js';
import { NO_HEADERS } from '../../record.js';
import { type JoinSide, OuterJoinBuffer } from './outer-join-buffer.js';

/** The shared store of unmatched records and what each side holds there. */
export interface OuterJoinSpec<K, V1, V2> {
  readonly storeName: string;
  readonly keySerde: Serde<K>;
  readonly leftSerde: Serde<V1>;
  readonly rightSerde: Serde<V2>;
  /** Left records without a partner are emitted (left and outer joins). */
  readonly leftOuter: boolean;
  /** Right records without a partner are emitted (outer joins). */
  readonly rightOuter: boolean;
}

/** A stream-stream join node for `side`: values of this side are `VThis`, of the other `VOther`. */
export function streamStreamJoinSupplier<K, V1, V2, VR>(
  side: JoinSide,
  otherStoreName: string,
  windows: JoinWindows,
  joiner: (left: V1 | null, right: V2 | null) => VR,
  outer: OuterJoinSpec<K, V1, V2> | undefined,
): ProcessorSupplier<K, unknown, K, VR> {
  const isLeft = side === 'left';
  // A left record at t joins right records in [t - before, t + after]; a right record the mirror image.
  const lookBehind = isLeft ? windows.beforeMs : windows.afterMs;
  const lookAhead = isLeft ? windows.afterMs : windows.beforeMs;
  const closesAfter = (s: JoinSide) => (s === 'left' ? windows.afterMs : windows.beforeMs) + windows.graceMs;
  const closeBounds = {
    min: Math.min(windows.afterMs, windows.beforeMs) + windows.graceMs,
    max: Math.max(windows.afterMs, windows.beforeMs) + windows.graceMs,
  };
  const holdsUnmatched = outer !== undefined && (isLeft ? outer.leftOuter : outer.rightOuter);
  const join = (value: unknown, other: unknown): VR =>
    isLeft ? joiner(value as V1 | null, other as V2 | null) : joiner(other as V1 | null, value as V2 | null);

  return () => {
    let context: ProcessorContext<K, VR>;
    let otherStore: WindowStore<K, unknown>;
    let buffer: OuterJoinBuffer<K, V1, V2> | undefined;

    const emitClosed = (streamTime: number) => {
      if (buffer === undefined) return;
      for (const unmatched of buffer.takeClosed(streamTime, closesAfter, closeBounds)) {
        for (const value of unmatched.values) {
          const joined = unmatched.side === 'left' ? joiner(value as V1, null) : joiner(null, value as V2);
          context.forward({
            key: unmatched.key,
            value: joined,
            timestamp: unmatched.timestamp,
            headers: NO_HEADERS,
          });
        }
      }
    };

    return {
      init(c) {
        context = c;
        otherStore = c.getStateStore<WindowStore<K, unknown>>(otherStoreName);
        if (outer !== undefined) {
          buffer = new OuterJoinBuffer(
            c.getStateStore<KeyValueStore<Buffer, Buffer>>(outer.storeName),
            outer.keySerde,
            outer.leftSerde,
            outer.rightSerde,
          );
          // Unmatched records go out when stream time moves, whichever record moves it (one side suffices).
          if (isLeft) c.schedule(1, 'STREAM_TIME', emitClosed);
        }
      },
      process(record) {
        const { key, value, timestamp } = record;
        const streamTime = context.currentStreamTimeMs();
        emitClosed(streamTime);
        let matched = false;
        const iterator = otherStore.fetchRange(
          key,
          Math.max(0, timestamp - lookBehind),
          timestamp + lookAhead,
        );
        try {
          for (const partner of iterator) {
            matched = true;
            if (buffer !== undefined) buffer.matched(isLeft ? 'right' : 'left', key, partner.key);
            context.forward({
              key,
              value: join(value, partner.value),
              timestamp: Math.max(timestamp, partner.key),
              headers: record.headers,
            });
          }
        } finally {
          iterator.close();
        }
        if (matched || !holdsUnmatched) return;
        if (timestamp + closesAfter(side) < streamTime) {
          // Its window closed before it arrived: no partner can come any more.
          context.forward({ key, value: join(value, null), timestamp, headers: record.headers });
        } else {
          buffer!.hold(side, key, timestamp, value as V1 | V2);
        }
      },
    };
  };
}
