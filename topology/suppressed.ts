/**
 * `Suppressed` and `BufferConfig`: options of `KTable.suppress`, which holds back a table's updates and
 * emits only the last one per key: when its window closes (final results of windowed aggregations), or
 * when a time limit has passed since the key's first held update (rate limiting).
 */
import type { Windowed } from '../state/store.js';
import { TopologyError } from './errors.js';
import { checkDuration, checkPositiveCount } from './internal/windows/durations.js';

/**
 * How many held updates a suppression may keep, and what happens when it is full: emit the oldest early
 * (`emitEarlyWhenFull`, the default for bounded buffers) or stop the task with an error
 * (`shutDownWhenFull`). Only strict buffers (unbounded, or shut down when full) guarantee final results,
 * so `Suppressed.untilWindowCloses` takes only those.
 *
 * @example
 * BufferConfig.unbounded();                           // strict
 * BufferConfig.maxRecords(10_000).emitEarlyWhenFull();  // may emit before the time limit
 * BufferConfig.maxBytes(64 * 1024 * 1024).shutDownWhenFull(); // strict
 */
export class BufferConfig<Strict extends boolean = boolean> {
  private constructor(
    /** Most updates held at once. */
    readonly maxRecords: number,
    /** Most bytes (serialized keys and values) held at once. */
    readonly maxBytes: number,
    /** True when a full buffer stops the task instead of emitting early. */
    readonly strict: Strict,
  ) {}

  /** No bound: holds every update until it is due (memory grows with the number of open keys). */
  static unbounded(): BufferConfig<true> {
    return new BufferConfig(Number.POSITIVE_INFINITY, Number.POSITIVE_INFINITY, true);
  }

  /** At most `records` held updates; emits the oldest early when full, unless `shutDownWhenFull()`. */
  static maxRecords(records: number): BufferConfig<false> {
    return new BufferConfig(
      checkPositiveCount('BufferConfig', 'maxRecords', records),
      Number.POSITIVE_INFINITY,
      false,
    );
  }

  /** At most `bytes` of held updates; emits the oldest early when full, unless `shutDownWhenFull()`. */
  static maxBytes(bytes: number): BufferConfig<false> {
    return new BufferConfig(
      Number.POSITIVE_INFINITY,
      checkPositiveCount('BufferConfig', 'maxBytes', bytes),
      false,
    );
  }

  /** Also bound the number of held updates. */
  withMaxRecords(records: number): BufferConfig<Strict> {
    return new BufferConfig(
      checkPositiveCount('BufferConfig', 'maxRecords', records),
      this.maxBytes,
      this.strict,
    );
  }

  /** Also bound the bytes of held updates. */
  withMaxBytes(bytes: number): BufferConfig<Strict> {
    return new BufferConfig(
      this.maxRecords,
      checkPositiveCount('BufferConfig', 'maxBytes', bytes),
      this.strict,
    );
  }

  /** When full, emit the oldest held update before its time (it may not be final). */
  emitEarlyWhenFull(): BufferConfig<false> {
    return new BufferConfig(this.maxRecords, this.maxBytes, false);
  }

  /** When full, fail the task (a processing error) rather than emit anything early. */
  shutDownWhenFull(): BufferConfig<true> {
    return new BufferConfig(this.maxRecords, this.maxBytes, true);
  }
}

/** When a held update is due. */
export type SuppressionKind =
  | { readonly type: 'untilWindowCloses' }
  | { readonly type: 'untilTimeLimit'; readonly timeToWaitMs: number };

/**
 * What `KTable.suppress` holds back and until when. The type parameter is the table key it applies to:
 * `untilWindowCloses` only fits tables with `Windowed` keys (the result of a windowed aggregation).
 *
 * @example
 * // one final count per window, when the window (and its grace period) has closed
 * counts.suppress(Suppressed.untilWindowCloses(BufferConfig.unbounded())).toStream().to('final-counts');
 * // at most one update per key every 10 seconds of stream time
 * prices.suppress(Suppressed.untilTimeLimit(10_000, BufferConfig.maxRecords(1_000)));
 */
export class Suppressed<K> {
  /** Pins the key type: a function parameter, so `Suppressed<Windowed<unknown>>` fits any windowed key. */
  declare readonly keyType?: (key: K) => void;

  private constructor(
    readonly kind: SuppressionKind,
    readonly bufferConfig: BufferConfig,
    /** Names the suppression node (and its buffer store, `<name>-store`). */
    readonly name: string | undefined,
  ) {}

  /**
   * Only the final result of each window, emitted once stream time passes the window's end plus its grace
   * period (plus the inactivity gap, for sessions); nothing before. Takes a strict buffer.
   */
  static untilWindowCloses(bufferConfig: BufferConfig<true>): Suppressed<Windowed<unknown>> {
    if (!bufferConfig.strict) {
      throw new TopologyError(
        'STRM_ERR_TOPOLOGY_INVALID_ARGUMENT',
        'Suppressed.untilWindowCloses needs a strict buffer to promise final results; pass BufferConfig.unbounded() or add .shutDownWhenFull()',
      );
    }
    return new Suppressed<Windowed<unknown>>({ type: 'untilWindowCloses' }, bufferConfig, undefined);
  }

  /**
   * The latest update of each key, emitted once stream time is `timeToWaitMs` past the key's first held
   * update (so at most one update per key per period); deletions are passed on too.
   */
  static untilTimeLimit(timeToWaitMs: number, bufferConfig: BufferConfig): Suppressed<unknown> {
    const wait = checkDuration('Suppressed.untilTimeLimit', 'the time to wait', timeToWaitMs, 0);
    return new Suppressed<unknown>({ type: 'untilTimeLimit', timeToWaitMs: wait }, bufferConfig, undefined);
  }

  /** Names the suppression node and its buffer store (`<name>-store`). */
  withName(name: string): Suppressed<K> {
    return new Suppressed<K>(this.kind, this.bufferConfig, name);
  }
}
