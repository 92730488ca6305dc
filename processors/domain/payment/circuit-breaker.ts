/**
 * A circuit breaker for calls to one external system, on `opossum`. After enough calls fail within the
 * rolling window it opens and fails fast with a retriable {@link PaymentCircuitOpenError}, sparing a
 * struggling provider; after `resetTimeoutMs` it lets one probe through (half-open) and closes again if
 * the probe succeeds. A call slower than `timeoutMs` counts as a failure.
 *
 * An error explicitly marked `retriable: false` (a bad request, an unknown authorisation) says nothing
 * about the provider's health: it is passed through without counting against the circuit. Every other
 * error (transient, or unknown) counts.
 */
import CircuitBreaker from 'opossum';
import { PaymentCircuitOpenError, PaymentUnavailableError } from '../../errors.js';

/** Thresholds of the breaker. */
export interface CircuitBreakerOptions {
  /** A call slower than this fails with a timeout (default 5 000 ms). */
  readonly timeoutMs?: number;
  /** Failure percentage in the rolling window above which the circuit opens (default 50). */
  readonly errorThresholdPercentage?: number;
  /** Calls needed in the window before the circuit may open at all (default 10). */
  readonly volumeThreshold?: number;
  /** How long the circuit stays open before a probe (default 10 000 ms). */
  readonly resetTimeoutMs?: number;
  /** Length of the rolling statistics window (default 10 000 ms). */
  readonly rollingWindowMs?: number;
}

/** Where the circuit is. */
export type CircuitState = 'CLOSED' | 'OPEN' | 'HALF_OPEN';

/** Guards the calls of one external system; share one instance between all its calls. */
export class GuardedCircuit {
  readonly name: string;
  readonly #breaker: CircuitBreaker<[() => Promise<unknown>], unknown>;
  readonly #timeoutMs: number;

  constructor(name: string, options: CircuitBreakerOptions = {}) {
    this.name = name;
    this.#timeoutMs = options.timeoutMs ?? 5_000;
    this.#breaker = new CircuitBreaker((call: () => Promise<unknown>) => call(), {
      name,
      timeout: this.#timeoutMs,
      errorThresholdPercentage: options.errorThresholdPercentage ?? 50,
      volumeThreshold: options.volumeThreshold ?? 10,
      resetTimeout: options.resetTimeoutMs ?? 10_000,
      rollingCountTimeout: options.rollingWindowMs ?? 10_000,
      // Errors for which this returns true are not counted as failures (opossum still rejects with them).
      errorFilter: (error: unknown) => (error as { retriable?: unknown } | null)?.retriable === false,
    });
  }

  /** Runs `call` through the breaker; `operation` names it in errors (e.g. `authorize`). */
  async run<T>(operation: string, call: () => Promise<T>): Promise<T> {
    try {
      return (await this.#breaker.fire(call)) as T;
    } catch (error) {
      const code = (error as { code?: unknown } | null)?.code;
      if (code === 'EOPENBREAKER') throw new PaymentCircuitOpenError(operation, { cause: error });
      if (code === 'ETIMEDOUT') {
        throw new PaymentUnavailableError(operation, `no answer within ${this.#timeoutMs} ms`, {
          cause: error,
        });
      }
      throw error;
    }
  }

  /** The breaker's current state. */
  get state(): CircuitState {
    if (this.#breaker.opened) return 'OPEN';
    return this.#breaker.halfOpen ? 'HALF_OPEN' : 'CLOSED';
  }

  /** Stops the breaker's timers; call when the owner shuts down. */
  shutdown(): void {
    this.#breaker.shutdown();
  }
}
