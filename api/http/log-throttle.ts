/**
 * Rate-limited warnings: the first of a kind is logged at once, the repeats within the interval are only
 * counted, and when the interval ends one line says how many there were. A failover makes every read of
 * the moving properties a retriable 503, and one WARN each buried the log (about 14,000 in one failover);
 * now it is one WARN per kind and interval, with the count.
 */
/** The part of a pino (or fastify) logger the throttle uses. */
export interface WarnLogger {
  warn(fields: object, message: string): void;
}

/** Counts of one kind of warning in the current interval. */
interface Window {
  suppressed: number;
  readonly timer: NodeJS.Timeout;
}

/** See the file comment. */
export class LogThrottle {
  readonly #logger: WarnLogger;
  readonly #intervalMs: number;
  readonly #windows = new Map<string, Window>();

  /** Summaries go to `logger`; one interval is `intervalMs` (default 10 s). */
  constructor(logger: WarnLogger, intervalMs = 10_000) {
    this.#logger = logger;
    this.#intervalMs = intervalMs;
  }

  /**
   * Logs `message` at WARN through `logger` (e.g. the request's, with its id) unless a warning of `kind`
   * was logged less than an interval ago; then it is counted, and summed up when the interval ends.
   */
  warn(kind: string, logger: WarnLogger, fields: object, message: string): void {
    const window = this.#windows.get(kind);
    if (window !== undefined) {
      window.suppressed++;
      return;
    }
    logger.warn(fields, message);
    const timer = setTimeout(() => this.#close(kind, message), this.#intervalMs);
    timer.unref();
    this.#windows.set(kind, { suppressed: 0, timer });
  }

  /** Logs the pending counts now and stops the timers (at shutdown). */
  flush(): void {
    for (const kind of [...this.#windows.keys()]) this.#close(kind);
  }

  #close(kind: string, message?: string): void {
    const window = this.#windows.get(kind);
    if (window === undefined) return;
    clearTimeout(window.timer);
    this.#windows.delete(kind);
    if (window.suppressed > 0) {
      this.#logger.warn(
        { kind, suppressed: window.suppressed, intervalMs: this.#intervalMs },
        `${window.suppressed} more like this in ${this.#intervalMs / 1000} s${message === undefined ? '' : `: ${message}`}`,
      );
    }
  }
}
