import { describe, expect, it } from 'vitest';
import { BROKER_RETRY_DELAYS_MS } from '../../../../topology/internal/kafka/kafkajs/broker-retry.js';
import { backoffDelayMs, DEFAULT_RETRY, retry } from '../../../../topology/internal/util/retry.js';

/** A sleep that only records its pauses, and a clock that moves by them. */
const fakeTime = () => {
  let now = 0;
  const slept: number[] = [];
  return {
    slept,
    now: () => now,
    sleep: async (ms: number) => {
      slept.push(ms);
      now += ms;
    },
  };
};

const failing = (error: unknown = new Error('not yet')) => {
  let calls = 0;
  return {
    get calls() {
      return calls;
    },
    call: async (): Promise<never> => {
      calls++;
      throw error;
    },
  };
};

describe('backoffDelayMs', () => {
  it("is the design's policy by default: 100 ms doubling to 1.6 s, the broker retries' pauses", () => {
    const pauses = [1, 2, 3, 4, 5, 6, 7].map((retryNumber) => backoffDelayMs(DEFAULT_RETRY, retryNumber));
    expect(pauses).toEqual([100, 200, 400, 800, 1_600, 1_600, 1_600]);
    expect(pauses.slice(0, DEFAULT_RETRY.retries)).toEqual(BROKER_RETRY_DELAYS_MS);
  });

  it('spreads a pause by the jitter fraction, never below zero', () => {
    const policy = { initialDelayMs: 1_000, jitter: 0.2 };
    expect(backoffDelayMs(policy, 1, () => 0)).toBe(800);
    expect(backoffDelayMs(policy, 1, () => 1)).toBe(1_200);
    expect(backoffDelayMs(policy, 1, () => 0.5)).toBe(1_000);
    expect(backoffDelayMs({ initialDelayMs: 10, jitter: 3 }, 1, () => 0)).toBe(0);
  });
});

describe('retry', () => {
  it('returns the first success, after the pauses of the failures before it', async () => {
    const time = fakeTime();
    const seen: number[] = [];
    const result = await retry(async (attempt) => {
      seen.push(attempt);
      if (attempt < 3) throw new Error('not yet');
      return 'done';
    }, time);
    expect(result).toBe('done');
    expect(seen).toEqual([0, 1, 2, 3]);
    expect(time.slept).toEqual([100, 200, 400]);
  });

  it('gives up after `retries` with the last failure, telling each retry first', async () => {
    const time = fakeTime();
    const told: Array<[number, number]> = [];
    const call = failing();
    const retried = retry(call.call, {
      ...time,
      retries: 3,
      onRetry: (_error, retryNumber, delayMs) => told.push([retryNumber, delayMs]),
    });
    await expect(retried).rejects.toThrow('not yet');
    expect(call.calls).toBe(4);
    expect(told).toEqual([
      [1, 100],
      [2, 200],
      [3, 400],
    ]);
  });

  it('rejects at once with a failure `retriable` refuses', async () => {
    const time = fakeTime();
    const refusal = new Error('refused');
    const call = failing(refusal);
    await expect(retry(call.call, { ...time, retriable: (error) => error !== refusal })).rejects.toBe(
      refusal,
    );
    expect(call.calls).toBe(1);
    expect(time.slept).toEqual([]);
  });

  it('starts no retry whose pause would end past `maxTimeMs`', async () => {
    const time = fakeTime();
    const call = failing();
    const retried = retry(call.call, {
      ...time,
      initialDelayMs: 1_000,
      maxDelayMs: 16_000,
      retries: Number.POSITIVE_INFINITY,
      maxTimeMs: 20_000,
    });
    await expect(retried).rejects.toThrow('not yet');
    // 1 + 2 + 4 + 8 = 15 s; the next pause (16 s) would end at 31 s.
    expect(time.slept).toEqual([1_000, 2_000, 4_000, 8_000]);
    expect(call.calls).toBe(5);
  });

  it('stops when aborted: no try before the first, and a pause ends at once', async () => {
    const aborted = new AbortController();
    aborted.abort(new Error('closing'));
    const never = failing();
    await expect(retry(never.call, { signal: aborted.signal })).rejects.toThrow('closing');
    expect(never.calls).toBe(0);

    const closing = new AbortController();
    const call = failing();
    const started = Date.now();
    const retried = retry(call.call, { signal: closing.signal, initialDelayMs: 60_000 });
    setTimeout(() => closing.abort(), 20);
    // The failure seen before the abort is what the caller hears.
    await expect(retried).rejects.toThrow('not yet');
    expect(call.calls).toBe(1);
    expect(Date.now() - started).toBeLessThan(5_000);
  });
});
