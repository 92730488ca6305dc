/**
 * At most `limit` tasks at once; the others wait their turn in arrival order. The payment worker loop
 * shares one pool between every partition it consumes, so the gateway and the producer see a bounded
 * number of requests in flight however many partitions and reservations a fetch brings.
 */
import { ConfigError } from '../errors.js';

/** A counting semaphore around async tasks. */
export class BoundedPool {
  readonly limit: number;
  #active = 0;
  readonly #waiting: Array<() => void> = [];

  constructor(limit: number) {
    if (!Number.isSafeInteger(limit) || limit < 1) {
      throw new ConfigError(`a pool needs a whole number of slots of at least 1, got ${limit}`);
    }
    this.limit = limit;
  }

  /** Tasks running now (for tests and metrics). */
  get active(): number {
    return this.#active;
  }

  /** Runs `task` when a slot is free; settles as `task` does. */
  async run<T>(task: () => Promise<T>): Promise<T> {
    if (this.#active < this.limit) this.#active++;
    // A releasing task hands its slot straight to the waiter, so `active` never dips and nobody overtakes.
    else await new Promise<void>((resolve) => this.#waiting.push(resolve));
    try {
      return await task();
    } finally {
      const next = this.#waiting.shift();
      if (next !== undefined) next();
      else this.#active--;
    }
  }
}
