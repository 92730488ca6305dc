import { describe, expect, it } from 'vitest';
import {
  DEFAULT_RETRY_POLICY,
  retryDelays,
  withRetry,
} from '../../../../../processors/domain/payment/retry.js';
import { PaymentRequestError, PaymentUnavailableError } from '../../../../../processors/errors.js';

function recorder() {
  const waits: number[] = [];
  return { waits, sleep: async (ms: number) => void waits.push(ms) };
}

describe('retry with backoff', () => {
  it('waits 100 ms doubling to 1.6 s by default: five retries', () => {
    expect(retryDelays()).toEqual([100, 200, 400, 800, 1600]);
    expect(retryDelays({ ...DEFAULT_RETRY_POLICY, retries: 7 })).toEqual([
      100, 200, 400, 800, 1600, 1600, 1600,
    ]);
  });

  it('retries retriable errors until the call succeeds', async () => {
    const { waits, sleep } = recorder();
    const retries: number[] = [];
    const result = await withRetry(
      async (attempt) => {
        if (attempt < 3) throw new PaymentUnavailableError('authorize', 'simulated');
        return `ok after ${attempt}`;
      },
      { sleep, onRetry: (_error, retry) => retries.push(retry) },
    );
    expect(result).toBe('ok after 3');
    expect(waits).toEqual([100, 200, 400]);
    expect(retries).toEqual([1, 2, 3]);
  });

  it('gives up after the last retry and throws the last error', async () => {
    const { waits, sleep } = recorder();
    let calls = 0;
    const failure = withRetry(
      async () => {
        calls++;
        throw new PaymentUnavailableError('authorize', `try ${calls}`);
      },
      { sleep },
    );
    await expect(failure).rejects.toThrow(/try 6/);
    expect(calls).toBe(6);
    expect(waits).toEqual([100, 200, 400, 800, 1600]);
  });

  it('does not retry an error that is not retriable', async () => {
    const { waits, sleep } = recorder();
    let calls = 0;
    const failure = withRetry(
      async () => {
        calls++;
        throw new PaymentRequestError('bad request');
      },
      { sleep },
    );
    await expect(failure).rejects.toBeInstanceOf(PaymentRequestError);
    expect(calls).toBe(1);
    expect(waits).toEqual([]);
  });

  it('really waits with real timers when no sleep is given', async () => {
    const started = Date.now();
    let calls = 0;
    const result = await withRetry(
      async () => {
        if (++calls === 1) throw new PaymentUnavailableError('authorize', 'once');
        return calls;
      },
      { policy: { retries: 1, initialDelayMs: 30, multiplier: 2, maxDelayMs: 30 } },
    );
    expect(result).toBe(2);
    expect(Date.now() - started).toBeGreaterThanOrEqual(25);
  });
});
