/**
 * `TimeWindows`: fixed-size windows aligned to the epoch, tumbling (one window per record) or hopping
 * (windows that overlap by advancing less than their size), with a grace period for late records.
 */
import type { TimeWindow } from '../state/store.js';
import { TopologyError } from './errors.js';
import { checkDuration } from './internal/windows/durations.js';

/**
 * Tumbling or hopping event-time windows `[start, start + size)`, starting at multiples of the advance.
 * A record belongs to every window that contains its timestamp. A window accepts records until stream
 * time passes its end plus the grace period; later records are dropped (and reported as dropped).
 *
 * @example
 * // 5-minute tumbling windows that accept records up to 1 minute late
 * TimeWindows.ofSizeAndGrace(5 * 60_000, 60_000);
 * // 1-hour windows every 15 minutes (each record lands in 4 windows)
 * TimeWindows.ofSizeWithNoGrace(60 * 60_000).advanceBy(15 * 60_000);
 */
export class TimeWindows {
  private constructor(
    /** Length of each window, in milliseconds. */
    readonly sizeMs: number,
    /** Distance between window starts; equal to the size for tumbling windows. */
    readonly advanceMs: number,
    /** How long after a window's end it still accepts out-of-order records. */
    readonly graceMs: number,
  ) {}

  /** Tumbling windows of `sizeMs` that close as soon as stream time reaches their end. */
  static ofSizeWithNoGrace(sizeMs: number): TimeWindows {
    return TimeWindows.ofSizeAndGrace(sizeMs, 0);
  }

  /** Tumbling windows of `sizeMs` that accept records until stream time passes their end plus `graceMs`. */
  static ofSizeAndGrace(sizeMs: number, graceMs: number): TimeWindows {
    const size = checkDuration('TimeWindows', 'the window size', sizeMs, 1);
    return new TimeWindows(size, size, checkDuration('TimeWindows', 'the grace period', graceMs, 0));
  }

  /** Hopping windows: a new window starts every `advanceMs` (at most the size). */
  advanceBy(advanceMs: number): TimeWindows {
    checkDuration('TimeWindows', 'the advance', advanceMs, 1);
    if (advanceMs > this.sizeMs) {
      throw new TopologyError(
        'STRM_ERR_TOPOLOGY_INVALID_ARGUMENT',
        `TimeWindows: the advance (${advanceMs} ms) is larger than the window size (${this.sizeMs} ms), so some records would fall in no window; advance by at most the size`,
      );
    }
    return new TimeWindows(this.sizeMs, advanceMs, this.graceMs);
  }

  /** The windows that contain `timestamp`, oldest first (windows never start before 0). */
  windowsFor(timestamp: number): TimeWindow[] {
    const windows: TimeWindow[] = [];
    const first = Math.max(0, timestamp - this.sizeMs + this.advanceMs);
    for (let start = first - (first % this.advanceMs); start <= timestamp; start += this.advanceMs) {
      windows.push({ start, end: start + this.sizeMs });
    }
    return windows;
  }
}
