/**
 * `SlidingWindows`: windows defined by the records themselves, as in Kafka Streams: every record opens
 * the window `[t - difference, t]` that ends at it, and a window `[t + 1, t + 1 + difference]` starting
 * just after it as soon as a record falls inside that; so each distinct set of records that lie within
 * `difference` of each other is aggregated exactly once.
 */
import { checkDuration } from './internal/windows/durations.js';

/**
 * Sliding event-time windows of a maximum time difference between records, with a grace period.
 * Windows include both ends. A record with a timestamp below the difference falls in the window
 * `[0, difference]` (windows never start before 0).
 *
 * @example
 * // the bookings of each guest made within 10 minutes of each other
 * SlidingWindows.ofTimeDifferenceAndGrace(10 * 60_000, 60_000);
 */
export class SlidingWindows {
  private constructor(
    /** The largest time difference between two records of the same window, in milliseconds. */
    readonly timeDifferenceMs: number,
    /** How long after a window's end it still accepts out-of-order records. */
    readonly graceMs: number,
  ) {}

  /** Sliding windows that close as soon as stream time passes their end. */
  static ofTimeDifferenceWithNoGrace(timeDifferenceMs: number): SlidingWindows {
    return SlidingWindows.ofTimeDifferenceAndGrace(timeDifferenceMs, 0);
  }

  /** Sliding windows that accept records until stream time passes their end plus `graceMs`. */
  static ofTimeDifferenceAndGrace(timeDifferenceMs: number, graceMs: number): SlidingWindows {
    return new SlidingWindows(
      checkDuration('SlidingWindows', 'the time difference', timeDifferenceMs, 1),
      checkDuration('SlidingWindows', 'the grace period', graceMs, 0),
    );
  }
}
