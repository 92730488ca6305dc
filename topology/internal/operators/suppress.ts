/**
 * `KTable.suppress`: holds each key's updates in a {@link SuppressBuffer} and emits the last one when it is
 * due by stream time: when its window closes (`untilWindowCloses`; a deletion is then dropped, since
 * downstream never saw the window), or a time limit after the key's first held update (`untilTimeLimit`).
 * Due updates go out as updates arrive, from a stream-time punctuator, and after each flush of the task's
 * record cache, so a quiet key is still emitted when other keys move stream time on. The time judged is
 * the larger of the newest update's timestamp that reached the suppression (Kafka Streams'
 * `KTableSuppressProcessor` uses only that) and the task's stream time as of its last cache flush: the
 * input usually comes through a record cache that forwards at commit, after the task's stream time moved
 * on, and judged by the task's current time a window could be emitted as final before its last update left
 * the cache. Without a cache the two times are the same. A full buffer emits early or fails, as its
 * `BufferConfig` says.
 */
import type { Serde } from '../../../schemas/serde.js';
import type { KeyValueStore, Windowed } from '../../../state/store.js';
import type { ProcessorContext, ProcessorSupplier } from '../../processor.js';
import { NO_HEADERS } from '../../record.js';
import type { Suppressed } from '../../suppressed.js';
import type { NodeContext } from '../task/node-context.js';
import { closesAt, type WindowClosing } from '../windows/windowed-tables.js';
import type { Change } from './change.js';
import { type BufferedChange, SuppressBuffer } from './suppress-buffer.js';
import type { TableValueGetterSupplier } from './table-value-getter.js';

/** What the task's own contexts add for suppressions (see `NodeContext`). */
type TaskTimes = Pick<NodeContext<unknown, unknown>, 'flushedStreamTimeMs' | 'onCacheFlushed'>;

/** The store and serdes of a suppression's buffer. */
export interface SuppressBufferSpec<K, V> {
  readonly storeName: string;
  readonly keySerde: Serde<K>;
  readonly entrySerde: Serde<BufferedChange<V>>;
}

export function suppressSupplier<K, V>(
  nodeName: string,
  suppressed: Suppressed<unknown>,
  closing: WindowClosing | undefined,
  spec: SuppressBufferSpec<K, V>,
): ProcessorSupplier<K, Change<V>, K, Change<V>> {
  const { kind, bufferConfig } = suppressed;
  const finalResults = kind.type === 'untilWindowCloses';
  const dueTimeOf = (key: K, timestamp: number): number =>
    kind.type === 'untilWindowCloses'
      ? closesAt(closing!, (key as Windowed<unknown>).window.end)
      : timestamp + kind.timeToWaitMs;
  return () => {
    let context: ProcessorContext<K, Change<V>>;
    let buffer: SuppressBuffer<K, V>;
    let observedTime = -1;
    // A context of another runner (no record cache): its stream time is safe to judge by.
    let flushedStreamTime = () => context.currentStreamTimeMs();

    const emit = (entry: { key: K; buffered: BufferedChange<V> }) => {
      const { change, timestamp } = entry.buffered;
      // Final results never announce the deletion of a window downstream never saw.
      if (finalResults && change.newValue === null) return;
      if (change.newValue === null && change.oldValue === null) return;
      context.forward({ key: entry.key, value: change, timestamp, headers: NO_HEADERS });
    };

    const emitDue = () => {
      const now = Math.max(observedTime, flushedStreamTime());
      for (let due = buffer.peekDueTime(); due !== undefined && due <= now; due = buffer.peekDueTime()) {
        const entry = buffer.evictFirst();
        if (entry !== undefined) emit(entry);
      }
    };

    const enforceBounds = () => {
      while (buffer.size > bufferConfig.maxRecords || buffer.byteSize > bufferConfig.maxBytes) {
        if (bufferConfig.strict) {
          throw new Error(
            `the suppression buffer of "${nodeName}" is full (${buffer.size} records, ${buffer.byteSize} bytes; bounds ${bufferConfig.maxRecords} records, ${bufferConfig.maxBytes} bytes) and is set to shut down when full; raise the bounds, or use emitEarlyWhenFull() where early results are acceptable`,
          );
        }
        const entry = buffer.evictFirst();
        if (entry !== undefined) emit(entry);
      }
    };

    return {
      init(c) {
        context = c;
        const store = c.getStateStore<KeyValueStore<K, BufferedChange<V>>>(spec.storeName);
        buffer = new SuppressBuffer(
          store,
          spec.keySerde,
          spec.entrySerde,
          Number.isFinite(bufferConfig.maxBytes),
        );
        const tasks = c as unknown as Partial<TaskTimes>;
        if (typeof tasks.flushedStreamTimeMs === 'function' && typeof tasks.onCacheFlushed === 'function') {
          flushedStreamTime = () => tasks.flushedStreamTimeMs!();
          tasks.onCacheFlushed(emitDue);
        }
        // Every record that moves stream time on may make held updates due, whatever its key.
        c.schedule(1, 'STREAM_TIME', emitDue);
      },
      process(record) {
        if (record.key === null || record.key === undefined) return;
        if (record.timestamp > observedTime) observedTime = record.timestamp;
        buffer.hold(record.key, record.value, record.timestamp, dueTimeOf(record.key, record.timestamp));
        emitDue();
        enforceBounds();
      },
    };
  };
}

/**
 * The value getter of a suppressed table: what downstream has seen, i.e. the old value of a held update,
 * or the parent's value for keys with nothing held.
 */
export function suppressedValueGetter<K, V>(
  parent: TableValueGetterSupplier<K, V>,
  spec: SuppressBufferSpec<K, V>,
): TableValueGetterSupplier<K, V> {
  return {
    storeNames: [...parent.storeNames, spec.storeName],
    bind(context) {
      const get = parent.bind(context);
      const store = context.getStateStore<KeyValueStore<K, BufferedChange<V>>>(spec.storeName);
      return (key) => {
        const held = store.get(key);
        if (held === undefined) return get(key);
        return held.change.oldValue ?? undefined;
      };
    },
  };
}
