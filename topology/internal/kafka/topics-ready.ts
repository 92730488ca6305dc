/**
 * `KafkaAdmin.ensureTopics` whatever the client: rounds of "create what is missing, then check that every
 * partition is served" until the topics are ready or the time is up. The client's part is each step.
 */
import { retry } from '../util/retry.js';
import { KafkaFacadeError } from './errors.js';
import type { TopicSpec } from './types.js';

/** The client's steps of {@link ensureTopicsReady}. */
export interface TopicsReadySteps {
  /** Partition counts of those of `topics` that exist. */
  partitionCounts(topics: ReadonlyArray<string>): Promise<ReadonlyMap<string, number>>;
  /** Undefined when a leader serves every partition of `topics`, else why not. */
  notServed(topics: ReadonlyArray<string>): Promise<unknown>;
  /** Creates `specs`; resolves to why it could not (created meanwhile, not visible yet), or undefined. */
  create(specs: ReadonlyArray<TopicSpec>): Promise<unknown>;
  /** The message of a client error, for the refusal. */
  describe(error: unknown): string;
}

/** Thrown by a round that found the topics not ready yet: the next round looks again. */
const NOT_READY = new Error('topics not ready yet');

/**
 * Creates the topics of `specs` that do not exist and waits until every partition is served, in rounds
 * 100 ms doubling to 2 s apart, for at most `timeoutMs`; then checks existing topics' partition counts
 * (`STRM_ERR_KAFKA_TOPIC_PARTITIONS_MISMATCH`). Not ready in time: `STRM_ERR_KAFKA_ADMIN`, retriable.
 */
export async function ensureTopicsReady(
  specs: ReadonlyArray<TopicSpec>,
  timeoutMs: number,
  steps: TopicsReadySteps,
): Promise<void> {
  if (specs.length === 0) return;
  const names = specs.map((spec) => spec.name);
  let lastError: unknown;
  let missing: ReadonlyArray<TopicSpec> = [];
  try {
    await retry(
      async () => {
        const counts = await steps.partitionCounts(names);
        missing = specs.filter((spec) => !counts.has(spec.name));
        if (missing.length === 0) {
          const notServed = await steps.notServed(names);
          if (notServed === undefined) return checkCounts(specs, counts);
          lastError = notServed;
        } else {
          lastError = (await steps.create(missing)) ?? lastError;
        }
        throw NOT_READY;
      },
      {
        retries: Number.POSITIVE_INFINITY,
        maxDelayMs: 2_000,
        maxTimeMs: timeoutMs,
        retriable: (error) => error === NOT_READY,
      },
    );
  } catch (error) {
    if (error !== NOT_READY) throw error;
    throw new KafkaFacadeError(
      'STRM_ERR_KAFKA_ADMIN',
      `Topics ${(missing.length > 0 ? missing.map((spec) => spec.name) : names).join(', ')} are not ready ` +
        `(created, with a leader serving every partition) after ${timeoutMs} ms` +
        `${lastError === undefined ? '' : `: ${steps.describe(lastError)}`}. ` +
        'Check that the principal may create topics and the broker log, or create them beforehand.',
      { cause: lastError, retriable: true },
    );
  }
}

function checkCounts(specs: ReadonlyArray<TopicSpec>, counts: ReadonlyMap<string, number>): void {
  for (const spec of specs) {
    const actual = counts.get(spec.name);
    if (actual !== undefined && actual !== spec.partitions && !spec.anyPartitionCount) {
      throw new KafkaFacadeError(
        'STRM_ERR_KAFKA_TOPIC_PARTITIONS_MISMATCH',
        `Topic ${spec.name} has ${actual} partitions but ${spec.partitions} are required; ` +
          'delete it (an internal topic is recreated) or reset the application.',
      );
    }
  }
}
