/**
 * Rebalances a member asks for (kafkajs has no call for it: a brief member joins and leaves, which makes
 * two): the probing rebalance once warm-ups caught up (Kafka Streams' `probing.rebalance.interval.ms`,
 * KIP-441), and the one a member with a fenced task needs when no rebalance comes by itself.
 */

import type { Logger } from 'pino';
import type { KafkaClient } from '../internal/kafka/kafka-client.js';
import { joinBriefly } from './brief-member.js';
import type { ResolvedStreamsConfig } from './config.js';
import { createStreamsAssignor, type StreamsAssignorOptions } from './streams-assignor.js';

/** How long a member with a fenced task waits for a rebalance to come by itself before asking for one. */
const FENCED_REBALANCE_WAIT_MS = 5_000;

/** What the prober needs from its thread. */
export interface ProbingRebalanceContext {
  readonly config: ResolvedStreamsConfig;
  readonly kafka: KafkaClient;
  readonly logger: Logger;
  readonly assignorOptions: Omit<StreamsAssignorOptions, 'subscription'>;
  /** The lag of each standby task (warm-ups included), as last read. */
  readonly standbyLags: () => ReadonlyMap<string, number>;
  /** Assignments applied so far (tells whether a rebalance happened in between). */
  readonly assignmentsApplied: () => number;
  /** True while a rebalance is under way. */
  readonly rebalancing: () => boolean;
  /** False once the thread is stopping or failed: then nothing is asked for. */
  readonly running: () => boolean;
}

export class ProbingRebalance {
  readonly #ctx: ProbingRebalanceContext;
  #probeTimer: NodeJS.Timeout | undefined;

  constructor(ctx: ProbingRebalanceContext) {
    this.#ctx = ctx;
  }

  /**
   * Warm-ups: the leader kept tasks on their caught-up owners while this member copies their state. Check
   * every `probingRebalanceIntervalMs` whether the copies caught up (or ten checks passed) and then make
   * the group rebalance, so the leader moves the tasks here with only a short tail left to restore.
   */
  probeWhenWarm(warmups: ReadonlyArray<string>): void {
    const { config, logger } = this.#ctx;
    let checks = 0;
    this.#probeTimer = setInterval(() => {
      checks++;
      const lags = this.#ctx.standbyLags();
      const warm = warmups.every(
        (id) => (lags.get(id) ?? Number.POSITIVE_INFINITY) <= config.acceptableRecoveryLag,
      );
      if (!warm && checks < 10) return;
      clearInterval(this.#probeTimer);
      if (!this.#ctx.running()) return;
      logger.info({ warmups, warm, checks }, 'warm-ups ready: probing rebalance');
      this.request('warm-ups caught up');
    }, config.probingRebalanceIntervalMs);
    this.#probeTimer.unref();
  }

  /** Stops waiting for warm-ups (a new assignment came, or the thread stops). */
  cancel(): void {
    clearInterval(this.#probeTimer);
  }

  /**
   * A fenced task usually moved in a rebalance this member is about to take part in (it is out of the
   * group, or the group is rebalancing): then nothing needs asking. If no rebalance begins within a few
   * seconds (the fence had another cause, e.g. a transaction timeout), ask for one, or the task would
   * never run again. Each requested rebalance is two (the brief member joins and leaves).
   */
  requestUnlessOneComes(why: string): void {
    const seen = this.#ctx.assignmentsApplied();
    setTimeout(() => {
      const none = this.#ctx.assignmentsApplied() === seen && !this.#ctx.rebalancing();
      if (none && this.#ctx.running()) this.request(why);
    }, FENCED_REBALANCE_WAIT_MS).unref();
  }

  /** Makes the group rebalance (a brief member joins and leaves): kafkajs has no call for it. */
  request(why: string): void {
    const { config, logger, kafka, assignorOptions } = this.#ctx;
    logger.info({ why }, 'asking the group to rebalance');
    void joinBriefly(
      kafka,
      config.applicationId,
      assignorOptions.layout.sourceTopics,
      createStreamsAssignor({ ...assignorOptions, subscription: () => ({ tasks: [], probe: true }) }),
      { timeoutMs: config.consumer.rebalanceTimeoutMs ?? 60_000 },
    ).catch((error: unknown) => logger.warn({ err: error, why }, 'the requested rebalance failed'));
  }
}
