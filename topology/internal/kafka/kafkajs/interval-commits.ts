/**
 * Commits of an application loop at most every `intervalMs` (`GroupConsumerOptions.autoCommitIntervalMs`).
 * kafkajs' `autoCommit` commits after every batch whatever its `autoCommitInterval` (that setting only
 * paces `eachMessage`), so a loop of small batches sent about one OffsetCommit per record: 134 a second
 * in the payment worker at 10,000 reservations/min. With an interval, kafkajs' `autoCommit` is off and
 * this commits the offsets kafkajs resolved: at a batch's end once the interval passed, an interval after
 * the last batch when no other followed (an idle loop still commits, as the Java consumer's polls do),
 * after a failed batch (its resolved prefix), when a rebalance is found, and when the consumer stops. A crash in between
 * leaves at most an interval of records to be handled again, as the Java consumer's
 * `auto.commit.interval.ms` does.
 */
import type { EachBatchPayload } from 'kafkajs';

export class IntervalCommits {
  readonly #intervalMs: number;
  /** Commits every resolved offset not committed yet; bound to the group of the latest batch. */
  #commitResolved: (() => Promise<void>) | undefined;
  #batchesInFlight = 0;
  #stopping = false;
  /** The commit of what the last batches resolved, once no batch followed for an interval. */
  #idleCommit: NodeJS.Timeout | undefined;

  constructor(intervalMs: number) {
    this.#intervalMs = intervalMs;
  }

  /** Runs one batch's handler and commits after it as the interval and the outcome ask. */
  async around(payload: EachBatchPayload, handle: () => Promise<void>): Promise<void> {
    const commitResolved = () => payload.commitOffsetsIfNecessary(payload.uncommittedOffsets());
    this.#commitResolved = commitResolved;
    this.#batchesInFlight++;
    try {
      await handle();
    } catch (error) {
      // What the handler resolved before it failed stays done; the rest is fetched again.
      await commitResolved().catch(() => {});
      throw error;
    } finally {
      this.#batchesInFlight--;
    }
    // kafkajs' own check of its `autoCommitInterval` (given to `run`); a stopping consumer commits all.
    if (this.#stopping || !payload.isRunning()) await commitResolved();
    else await payload.commitOffsetsIfNecessary();
    this.#armIdleCommit(payload);
  }

  #armIdleCommit(payload: EachBatchPayload): void {
    if (this.#idleCommit !== undefined || this.#stopping) return;
    this.#idleCommit = setTimeout(() => {
      this.#idleCommit = undefined;
      if (payload.isRunning() && this.#batchesInFlight === 0) void this.#commitResolved?.().catch(() => {});
    }, this.#intervalMs);
    this.#idleCommit.unref();
  }

  /** Before a rejoin: what was resolved is committed with the generation it was handled under. */
  async beforeRejoin(): Promise<void> {
    await this.#commitResolved?.().catch(() => {});
  }

  /**
   * Before the consumer stops: commits now when no batch runs; a batch under way commits at its end
   * (kafkajs waits for it before leaving the group).
   */
  async beforeStop(): Promise<void> {
    this.#stopping = true;
    clearTimeout(this.#idleCommit);
    if (this.#batchesInFlight === 0) await this.#commitResolved?.().catch(() => {});
  }
}
