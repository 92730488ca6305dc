import { describe, expect, it } from 'vitest';
import { KafkaFacadeError } from '../../../topology/internal/kafka/errors.js';
import {
  BROKER_RETRY_DELAYS_MS,
  retryTransient,
} from '../../../topology/internal/kafka/kafkajs/broker-retry.js';
import { translateGroupError } from '../../../topology/internal/kafka/kafkajs/consumer.js';
import { isTransientBrokerError } from '../../../topology/internal/kafka/kafkajs/errors.js';

/** The shape of a kafkajs protocol error: only `type` matters to the facade. */
const protocolError = (type: string) =>
  Object.assign(new Error(type), { name: 'KafkaJSProtocolError', type, retriable: true });

/** What kafkajs throws once its own retries are used up: marked non-retriable, the last error as cause. */
const retriesExceeded = (cause: Error) =>
  Object.assign(new Error(cause.message), {
    name: 'KafkaJSNumberOfRetriesExceeded',
    retriable: false,
    cause,
  });

describe('isTransientBrokerError: "not yet" versus "no"', () => {
  it('recognises a cluster not ready yet, also behind kafkajs giving up', () => {
    for (const type of [
      'GROUP_LOAD_IN_PROGRESS', // COORDINATOR_LOAD_IN_PROGRESS
      'NOT_COORDINATOR_FOR_GROUP', // NOT_COORDINATOR
      'GROUP_COORDINATOR_NOT_AVAILABLE',
      'NOT_LEADER_FOR_PARTITION', // NOT_LEADER_OR_FOLLOWER
      'LEADER_NOT_AVAILABLE',
      'UNKNOWN_TOPIC_OR_PARTITION',
      'NOT_ENOUGH_REPLICAS',
    ]) {
      expect(isTransientBrokerError(protocolError(type)), type).toBe(true);
      expect(isTransientBrokerError(retriesExceeded(protocolError(type))), type).toBe(true);
    }
    const unreachable = Object.assign(new Error('connect ECONNREFUSED'), { name: 'KafkaJSConnectionError' });
    expect(isTransientBrokerError(retriesExceeded(unreachable))).toBe(true);
    const coded = new KafkaFacadeError('STRM_ERR_KAFKA_ADMIN', 'listing offsets failed', {
      cause: protocolError('NOT_LEADER_FOR_PARTITION'),
    });
    expect(isTransientBrokerError(coded)).toBe(true);
  });

  it('does not retry a refusal', () => {
    for (const type of ['MESSAGE_TOO_LARGE', 'TOPIC_AUTHORIZATION_FAILED', 'INVALID_PRODUCER_EPOCH']) {
      expect(isTransientBrokerError(protocolError(type)), type).toBe(false);
      expect(isTransientBrokerError(retriesExceeded(protocolError(type))), type).toBe(false);
    }
    expect(isTransientBrokerError(new TypeError('x is undefined'))).toBe(false);
    expect(isTransientBrokerError(undefined)).toBe(false);
  });
});

describe('retryTransient', () => {
  const recordSleeps = () => {
    const slept: number[] = [];
    return { slept, sleep: async (ms: number) => void slept.push(ms) };
  };

  it('retries a transient failure after 100 ms doubling to 1.6 s, and returns the first success', async () => {
    expect(BROKER_RETRY_DELAYS_MS).toEqual([100, 200, 400, 800, 1_600]);
    const { slept, sleep } = recordSleeps();
    let calls = 0;
    const result = await retryTransient(
      async () => {
        calls++;
        if (calls <= 3) throw protocolError('NOT_LEADER_FOR_PARTITION');
        return 'served';
      },
      { sleep },
    );
    expect(result).toBe('served');
    expect(calls).toBe(4);
    expect(slept).toEqual([100, 200, 400]);
  });

  it('gives up after five retries with the last error', async () => {
    const { slept, sleep } = recordSleeps();
    let calls = 0;
    const retried: number[] = [];
    const failing = retryTransient(
      async () => {
        calls++;
        throw protocolError('GROUP_LOAD_IN_PROGRESS');
      },
      { sleep, onRetry: (_error, attempt) => retried.push(attempt) },
    );
    await expect(failing).rejects.toMatchObject({ type: 'GROUP_LOAD_IN_PROGRESS' });
    expect(calls).toBe(6);
    expect(slept).toEqual([100, 200, 400, 800, 1_600]);
    expect(retried).toEqual([1, 2, 3, 4, 5]);
  });

  it('does not repeat a call the broker refused', async () => {
    const { slept, sleep } = recordSleeps();
    let calls = 0;
    const refused = retryTransient(
      async () => {
        calls++;
        throw protocolError('TOPIC_AUTHORIZATION_FAILED');
      },
      { sleep },
    );
    await expect(refused).rejects.toMatchObject({ type: 'TOPIC_AUTHORIZATION_FAILED' });
    expect(calls).toBe(1);
    expect(slept).toEqual([]);
  });
});

describe('translateGroupError: a group coordinator whose broker died', () => {
  it('asks kafkajs to rejoin, as NOT_COORDINATOR would, instead of failing every commit', () => {
    // kafkajs keeps asking the broker it joined through; once that broker left the metadata it says so.
    const gone = Object.assign(new Error('Broker 3 not found in the cached metadata'), {
      name: 'KafkaJSBrokerNotFound',
      retriable: false,
    });
    const translated = translateGroupError(gone, 'STRM_ERR_KAFKA_COMMIT', 'Committing offsets');
    expect(translated).toMatchObject({ code: 'STRM_ERR_KAFKA_REBALANCE_IN_PROGRESS', retriable: true });
    // The cause is what the consumer hands back to kafkajs, which rejoins on NOT_COORDINATOR_FOR_GROUP.
    expect((translated as KafkaFacadeError).cause).toMatchObject({
      type: 'NOT_COORDINATOR_FOR_GROUP',
      cause: gone,
    });
  });

  it('codes other transient commit failures retriable, and a refusal not', () => {
    expect(
      translateGroupError(
        retriesExceeded(protocolError('REQUEST_TIMED_OUT')),
        'STRM_ERR_KAFKA_COMMIT',
        'Commit',
      ),
    ).toMatchObject({ code: 'STRM_ERR_KAFKA_COMMIT', retriable: true });
    const refused = Object.assign(protocolError('GROUP_AUTHORIZATION_FAILED'), { retriable: false });
    expect(translateGroupError(refused, 'STRM_ERR_KAFKA_COMMIT', 'Commit')).toMatchObject({
      code: 'STRM_ERR_KAFKA_COMMIT',
      retriable: false,
    });
  });
});
