import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../../api/config.js';
import { ApiError } from '../../../api/errors.js';

describe('streams and payment settings from the environment', () => {
  it('defaults to one standby replica and 64 payment requests at once', () => {
    const config = loadConfig({});
    expect(config.numStandbyReplicas).toBe(1);
    expect(config.paymentConcurrency).toBe(64);
    expect(config.paymentCommitIntervalMs).toBe(1_000);
    expect(config.paymentFetchLingerMs).toBe(10);
  });

  it('reads NUM_STANDBY_REPLICAS and PAYMENT_CONCURRENCY', () => {
    const config = loadConfig({ NUM_STANDBY_REPLICAS: '0', PAYMENT_CONCURRENCY: '8' });
    expect(config.numStandbyReplicas).toBe(0);
    expect(config.paymentConcurrency).toBe(8);
  });

  it.each([
    ['NUM_STANDBY_REPLICAS', '-1'],
    ['PAYMENT_CONCURRENCY', '0'],
    ['PAYMENT_CONCURRENCY', 'lots'],
    ['PAYMENT_COMMIT_INTERVAL_MS', '0'],
    ['PAYMENT_FETCH_LINGER_MS', '-1'],
  ])('refuses %s=%s, naming the variable', (name, value) => {
    expect(() => loadConfig({ [name]: value })).toThrow(ApiError);
    expect(() => loadConfig({ [name]: value })).toThrow(name);
  });
});
