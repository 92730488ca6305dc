/**
 * Resolves a batch's offsets in offset order while its messages complete in any order. An offset is
 * resolved only once its message and every earlier one of the batch are done, so a commit never covers a
 * request whose answer is not acknowledged yet; after a crash or an error only the requests past the
 * resolved prefix are performed again (harmless: idempotency keys and deterministic event ids).
 */

/** Tracks which messages of one batch are done and resolves the done prefix. */
export class InOrderOffsets {
  readonly #offsets: readonly string[];
  readonly #resolve: (offset: string) => void;
  readonly #done: boolean[];
  #next = 0;

  /** `offsets` in batch order; `resolve` is the consumer's `resolveOffset` of the batch. */
  constructor(offsets: readonly string[], resolve: (offset: string) => void) {
    this.#offsets = offsets;
    this.#resolve = resolve;
    this.#done = offsets.map(() => false);
  }

  /** Marks the message at `index` (its position in the batch) done and resolves what became contiguous. */
  done(index: number): void {
    this.#done[index] = true;
    let last: string | undefined;
    while (this.#next < this.#offsets.length && this.#done[this.#next]) {
      last = this.#offsets[this.#next];
      this.#next++;
    }
    // The consumer keeps only the highest resolved offset per partition: resolving the last one is enough.
    if (last !== undefined) this.#resolve(last);
  }

  /** How many messages from the start of the batch are resolved. */
  get resolved(): number {
    return this.#next;
  }
}
