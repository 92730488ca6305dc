/**
 * Coalesces the writes of concurrent HTTP requests into batches: a request's `write(item)` resolves once
 * the batch that carried its item is written (or rejects with that batch's error), so a caller still
 * waits for its own write, but N requests cost one round trip and one commit instead of N. At most
 * `maxInFlight` batches are written at once (each holds one pooled connection, which leaves the rest of
 * the pool to reads); while they are busy, items queue and go out together in the next batch. There is no
 * timer: an item queued when nothing is in flight is written at once, so an idle API pays no linger.
 *
 * Profiled under `npm run bench:http` at 10,000 bookings/min (bench/RESULTS.md): one insert or
 * transaction per booking queued thousands of requests on the Postgres pool.
 */

/** Writes one batch; items keep the order in which they were queued. */
export type BatchWriter<T> = (items: readonly T[]) => Promise<void>;

interface Queued<T> {
  readonly item: T;
  resolve(): void;
  reject(error: unknown): void;
}

/** Batches concurrent writes; see the module comment. */
export class WriteCoalescer<T> {
  readonly #writeBatch: BatchWriter<T>;
  readonly #maxBatch: number;
  readonly #maxInFlight: number;
  readonly #queue: Queued<T>[] = [];
  #inFlight = 0;

  constructor(writeBatch: BatchWriter<T>, options: { maxBatch?: number; maxInFlight?: number } = {}) {
    this.#writeBatch = writeBatch;
    this.#maxBatch = options.maxBatch ?? 500;
    this.#maxInFlight = options.maxInFlight ?? 2;
  }

  /** Resolves when `item` is written. */
  write(item: T): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      this.#queue.push({ item, resolve, reject });
      this.#next();
    });
  }

  /** Batches being written now (for tests and metrics). */
  get inFlight(): number {
    return this.#inFlight;
  }

  #next(): void {
    while (this.#inFlight < this.#maxInFlight && this.#queue.length > 0) {
      const batch = this.#queue.splice(0, this.#maxBatch);
      this.#inFlight++;
      this.#writeBatch(batch.map((queued) => queued.item))
        .then(
          () => {
            for (const queued of batch) queued.resolve();
          },
          (error: unknown) => {
            for (const queued of batch) queued.reject(error);
          },
        )
        .finally(() => {
          this.#inFlight--;
          this.#next();
        });
    }
  }
}
