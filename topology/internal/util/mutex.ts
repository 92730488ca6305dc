/**
 * The library's one mutex: asynchronous operations that must not interleave run one after another, in
 * the order they were queued. A failed operation does not block the ones behind it (its caller sees the
 * rejection). The runtime uses it for a thread's batches, assignments and commits, a standby's batches and
 * checkpoints, a follower's start and stop, and a producer's sends (which keeps their order).
 */
export class Mutex {
  /** Settles when the last queued operation has; never rejects. */
  #tail: Promise<unknown> = Promise.resolve();

  /** Runs `fn` once every operation queued before it has settled; resolves or rejects as `fn` does. */
  runExclusive<T>(fn: () => Promise<T> | T): Promise<T> {
    const run = this.#tail.then(() => fn());
    this.#tail = run.catch(() => undefined);
    return run;
  }

  /**
   * Resolves once every operation queued before this call has settled, without holding the mutex: later
   * operations may start meanwhile (a producer's `flush`, a commit waiting for the sends before it).
   */
  async settled(): Promise<void> {
    await this.#tail;
  }
}
