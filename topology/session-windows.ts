/**
 * `SessionWindows`: per-key windows of activity separated by gaps of inactivity. A record within the gap
 * of a session extends it; a record that bridges two sessions merges them.
 */
import { checkDuration } from './internal/windows/durations.js';

/**
 * Session windows: a session of a key ends when no record of that key arrives for `inactivityGapMs`.
 * Sessions include both ends (`[first record, last record]`). A session accepts records (that extend it or
 * fall in its gap) until stream time passes its end plus the inactivity gap plus the grace period.
 *
 * @example
 * // a guest's browsing session ends after 30 minutes without a click
 * SessionWindows.ofInactivityGapAndGrace(30 * 60_000, 5 * 60_000);
 */
export class SessionWindows {
  private constructor(
    /** The largest gap between two records of the same session, in milliseconds. */
    readonly inactivityGapMs: number,
    /** How long after a session's end it still accepts out-of-order records. */
    readonly graceMs: number,
  ) {}

  /** Sessions that close as soon as stream time passes their end plus the inactivity gap. */
  static ofInactivityGapWithNoGrace(inactivityGapMs: number): SessionWindows {
    return SessionWindows.ofInactivityGapAndGrace(inactivityGapMs, 0);
  }

  /** Sessions that accept records until stream time passes their end plus the gap plus `graceMs`. */
  static ofInactivityGapAndGrace(inactivityGapMs: number, graceMs: number): SessionWindows {
    return new SessionWindows(
      checkDuration('SessionWindows', 'the inactivity gap', inactivityGapMs, 1),
      checkDuration('SessionWindows', 'the grace period', graceMs, 0),
    );
  }
}
