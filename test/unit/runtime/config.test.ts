import { describe, expect, it, vi } from 'vitest';
import { resolveConfig } from '../../../topology/runtime/config.js';
import { isValidTransition } from '../../../topology/runtime/streams-state.js';

describe('resolveConfig', () => {
  it('fills in the documented defaults', () => {
    const config = resolveConfig({ applicationId: 'orders-app', bootstrapServers: 'a:9092, b:9092' });
    expect(config).toMatchObject({
      applicationId: 'orders-app',
      brokers: ['a:9092', 'b:9092'],
      processingGuarantee: 'at_least_once',
      commitIntervalMs: 1000,
      numStandbyReplicas: 0,
      acceptableRecoveryLag: 10_000,
      maxWarmupReplicas: 2,
      probingRebalanceIntervalMs: 5_000,
      deserializationExceptionHandler: 'fail',
      processingExceptionHandler: 'fail',
      productionExceptionHandler: 'fail',
      maxBufferedRecords: 20_000,
      replicationFactor: -1,
      clientId: 'orders-app',
      cacheMaxBytes: 10 * 1024 * 1024,
    });
    expect(config.uncaughtExceptionHandler(new Error('x'))).toBe('SHUTDOWN_CLIENT');
  });

  it('picks the Kafka client adapter: kafkajs by default, else STREAMS_KAFKA_CLIENT, else config.client', () => {
    const base = { applicationId: 'app', bootstrapServers: 'a:1' };
    vi.stubEnv('STREAMS_KAFKA_CLIENT', '');
    try {
      expect(resolveConfig(base).client).toBe('kafkajs');
      vi.stubEnv('STREAMS_KAFKA_CLIENT', 'platformatic');
      expect(resolveConfig(base).client).toBe('platformatic');
      expect(resolveConfig({ ...base, client: 'kafkajs' }).client).toBe('kafkajs');
      expect(() => resolveConfig({ ...base, client: 'rdkafka' as unknown as 'kafkajs' })).toThrowError(
        /client "rdkafka" is not known/,
      );
    } finally {
      vi.unstubAllEnvs();
    }
  });

  it.each([
    [{ applicationId: 'has space', bootstrapServers: 'a:1' }, /applicationId "has space"/],
    [{ applicationId: 'app', bootstrapServers: '' }, /bootstrapServers is empty/],
    [
      {
        applicationId: 'app',
        bootstrapServers: 'a:1',
        processingGuarantee: 'exactly_twice' as unknown as 'exactly_once',
      },
      /processingGuarantee "exactly_twice" is not known/,
    ],
    [{ applicationId: 'app', bootstrapServers: 'a:1', numStandbyReplicas: -1 }, /numStandbyReplicas/],
    [{ applicationId: 'app', bootstrapServers: 'a:1', acceptableRecoveryLag: 1.5 }, /acceptableRecoveryLag/],
    [{ applicationId: 'app', bootstrapServers: 'a:1', commitIntervalMs: 0 }, /commitIntervalMs/],
    [{ applicationId: 'app', bootstrapServers: 'a:1', cacheMaxBytes: -1 }, /cacheMaxBytes/],
    [{ applicationId: 'app', bootstrapServers: 'a:1', cacheMaxBytes: 1.5 }, /cacheMaxBytes/],
  ])('refuses %o with a coded error', (config, message) => {
    expect(() => resolveConfig(config)).toThrowError(
      expect.objectContaining({ code: 'STRM_ERR_RUNTIME_CONFIG', message: expect.stringMatching(message) }),
    );
  });
});

describe('exactly-once configuration', () => {
  it('defaults the commit interval to 100 ms under exactly-once and keeps 1 s for at-least-once', () => {
    const eos = resolveConfig({
      applicationId: 'app',
      bootstrapServers: 'a:1',
      processingGuarantee: 'exactly_once',
    });
    expect(eos.processingGuarantee).toBe('exactly_once');
    expect(eos.commitIntervalMs).toBe(100);
    expect(resolveConfig({ applicationId: 'app', bootstrapServers: 'a:1' }).commitIntervalMs).toBe(1_000);
    expect(
      resolveConfig({
        applicationId: 'app',
        bootstrapServers: 'a:1',
        processingGuarantee: 'exactly_once',
        commitIntervalMs: 250,
      }).commitIntervalMs,
    ).toBe(250);
  });
});

describe('lifecycle transitions', () => {
  it('follows Kafka Streams: no way back from NOT_RUNNING, ERROR only towards shutdown', () => {
    expect(isValidTransition('CREATED', 'REBALANCING')).toBe(true);
    expect(isValidTransition('REBALANCING', 'RUNNING')).toBe(true);
    expect(isValidTransition('RUNNING', 'REBALANCING')).toBe(true);
    expect(isValidTransition('RUNNING', 'PENDING_SHUTDOWN')).toBe(true);
    expect(isValidTransition('PENDING_SHUTDOWN', 'NOT_RUNNING')).toBe(true);
    expect(isValidTransition('ERROR', 'PENDING_SHUTDOWN')).toBe(true);
    expect(isValidTransition('NOT_RUNNING', 'RUNNING')).toBe(false);
    expect(isValidTransition('ERROR', 'RUNNING')).toBe(false);
    expect(isValidTransition('CREATED', 'RUNNING')).toBe(false);
  });
});
