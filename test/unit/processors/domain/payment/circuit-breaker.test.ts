import { afterEach, describe, expect, it } from 'vitest';
import { GuardedCircuit } from '../../../../../processors/domain/payment/circuit-breaker.js';
import {
  PaymentCircuitOpenError,
  PaymentRequestError,
  PaymentUnavailableError,
} from '../../../../../processors/errors.js';

const circuits: GuardedCircuit[] = [];
function circuit(options: ConstructorParameters<typeof GuardedCircuit>[1]): GuardedCircuit {
  const c = new GuardedCircuit('test', options);
  circuits.push(c);
  return c;
}
afterEach(() => {
  for (const c of circuits.splice(0)) c.shutdown();
});

const failing = () => Promise.reject(new PaymentUnavailableError('authorize', 'down'));
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('circuit breaker', () => {
  it('opens after too many transient failures and then fails fast without calling', async () => {
    const c = circuit({ volumeThreshold: 4, errorThresholdPercentage: 50, resetTimeoutMs: 60_000 });
    for (let i = 0; i < 4; i++)
      await expect(c.run('authorize', failing)).rejects.toBeInstanceOf(PaymentUnavailableError);
    expect(c.state).toBe('OPEN');
    let called = false;
    const rejected = c.run('authorize', async () => {
      called = true;
      return 'never';
    });
    await expect(rejected).rejects.toBeInstanceOf(PaymentCircuitOpenError);
    await expect(c.run('authorize', async () => 'x')).rejects.toMatchObject({
      code: 'RSV_ERR_PAYMENT_CIRCUIT_OPEN',
      retriable: true,
    });
    expect(called).toBe(false);
  });

  it('half-opens after the reset timeout and closes again when the probe succeeds', async () => {
    const c = circuit({ volumeThreshold: 2, resetTimeoutMs: 50 });
    for (let i = 0; i < 2; i++) await expect(c.run('authorize', failing)).rejects.toThrow();
    expect(c.state).toBe('OPEN');
    await sleep(80);
    expect(c.state).toBe('HALF_OPEN');
    expect(await c.run('authorize', async () => 'probe ok')).toBe('probe ok');
    expect(c.state).toBe('CLOSED');
  });

  it('reopens when the half-open probe fails', async () => {
    const c = circuit({ volumeThreshold: 2, resetTimeoutMs: 50 });
    for (let i = 0; i < 2; i++) await expect(c.run('authorize', failing)).rejects.toThrow();
    await sleep(80);
    await expect(c.run('authorize', failing)).rejects.toBeInstanceOf(PaymentUnavailableError);
    expect(c.state).toBe('OPEN');
  });

  it('does not count non-retriable errors against the provider', async () => {
    const c = circuit({ volumeThreshold: 2 });
    for (let i = 0; i < 5; i++) {
      await expect(
        c.run('capture', () => Promise.reject(new PaymentRequestError('unknown authorization'))),
      ).rejects.toBeInstanceOf(PaymentRequestError);
    }
    expect(c.state).toBe('CLOSED');
  });

  it('turns a call slower than the timeout into a retriable unavailability', async () => {
    const c = circuit({ timeoutMs: 20, volumeThreshold: 100 });
    await expect(c.run('authorize', () => sleep(200).then(() => 'late'))).rejects.toMatchObject({
      code: 'RSV_ERR_PAYMENT_UNAVAILABLE',
      retriable: true,
    });
  });
});
