/**
 * `JoinWindows`: how far apart in event time two records of a stream-stream join may be and still join.
 */
import { checkDuration } from './internal/windows/durations.js';

/**
 * The window of a stream-stream join: a record of the left stream at time `t` joins the right stream's
 * records of the same key with timestamps in `[t - before, t + after]` (symmetric by default). Records
 * are kept for the join until stream time passes that window plus the grace period; a left or outer join
 * emits a record with no partner (joined with `null`) only then, so it never emits a result that a later
 * partner would contradict.
 *
 * @example
 * // a payment joins its reservation if it comes at most 10 minutes after it
 * JoinWindows.ofTimeDifferenceAndGrace(10 * 60_000, 60_000).before(0);
 */
export class JoinWindows {
  private constructor(
    /** How far before a left record a right record may be, in milliseconds. */
    readonly beforeMs: number,
    /** How far after a left record a right record may be, in milliseconds. */
    readonly afterMs: number,
    /** How long after a record's window closes it is still kept for out-of-order partners. */
    readonly graceMs: number,
  ) {}

  /** Records join when at most `timeDifferenceMs` apart; the window closes as stream time passes it. */
  static ofTimeDifferenceWithNoGrace(timeDifferenceMs: number): JoinWindows {
    return JoinWindows.ofTimeDifferenceAndGrace(timeDifferenceMs, 0);
  }

  /** Records join when at most `timeDifferenceMs` apart, accepting partners up to `graceMs` late. */
  static ofTimeDifferenceAndGrace(timeDifferenceMs: number, graceMs: number): JoinWindows {
    const difference = checkDuration('JoinWindows', 'the time difference', timeDifferenceMs, 0);
    return new JoinWindows(
      difference,
      difference,
      checkDuration('JoinWindows', 'the grace period', graceMs, 0),
    );
  }

  /** A window reaching `beforeMs` before each left record (instead of the symmetric difference). */
  before(beforeMs: number): JoinWindows {
    return new JoinWindows(checkDuration('JoinWindows', 'before', beforeMs, 0), this.afterMs, this.graceMs);
  }

  /** A window reaching `afterMs` after each left record (instead of the symmetric difference). */
  after(afterMs: number): JoinWindows {
    return new JoinWindows(this.beforeMs, checkDuration('JoinWindows', 'after', afterMs, 0), this.graceMs);
  }

  /** The span of the window, `before + after`: how long a record waits for partners (before the grace). */
  get sizeMs(): number {
    return this.beforeMs + this.afterMs;
  }
}
